// The demo's ETA: the boundaries where rounding carries into the next minute or hour (the bug
// printed 8m60s and 1m60s), and the round trip as a property.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../src/duration.mjs';

describe('formatDuration', () => {
  it('carries at the minute and hour boundaries', () => {
    const cases = [
      [0, '0m00s'],
      [0.4, '0m00s'],
      [59.4, '0m59s'],
      [59.5, '1m00s'],
      [119.6, '2m00s'],
      [539.7, '9m00s'], // 8 min 59.7 s: was 8m60s
      [119.5, '2m00s'], // was 1m60s
      [3599.4, '59m59s'],
      [3599.5, '1h00m00s'],
      [3661, '1h01m01s'],
    ];
    for (const [seconds, text] of cases) expect([seconds, formatDuration(seconds)]).toEqual([seconds, text]);
  });

  it('not a duration yet: ?', () => {
    for (const bad of [NaN, Infinity, -1, undefined]) expect(formatDuration(bad)).toBe('?');
  });

  it('property: seconds and minutes fields are below 60, and the fields add up to the rounded duration', () => {
    fc.assert(
      // Milliseconds up to ~11 days: uniform, so the fractions near a boundary come up often (doubles cluster near 0).
      fc.property(fc.integer({ min: 0, max: 1e9 }).map((ms) => ms / 1000), (seconds) => {
        const m = /^(?:(\d+)h)?(\d+)m(\d\d)s$/.exec(formatDuration(seconds));
        expect(m).not.toBeNull();
        const [h, min, s] = [Number(m[1] ?? 0), Number(m[2]), Number(m[3])];
        expect(s).toBeLessThan(60);
        if (m[1] !== undefined) expect(min).toBeLessThan(60);
        expect(h * 3600 + min * 60 + s).toBe(Math.round(seconds));
      }),
      { seed: 11, numRuns: 2000 },
    );
  });
});
