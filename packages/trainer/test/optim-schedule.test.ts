// Schedules against nanoGPT's get_lr (train.py), written out here in its own words, and their
// invariants over random configurations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConstantSchedule, CosineSchedule, LinearSchedule, toSchedule } from '../src/index.js';

function nanoGptLr(it: number, learningRate: number, minLr: number, warmupIters: number, lrDecayIters: number): number {
  if (it < warmupIters) return (learningRate * (it + 1)) / (warmupIters + 1);
  if (it > lrDecayIters) return minLr;
  const decayRatio = (it - warmupIters) / (lrDecayIters - warmupIters);
  const coeff = 0.5 * (1.0 + Math.cos(Math.PI * decayRatio));
  return minLr + coeff * (learningRate - minLr);
}

describe('schedules', () => {
  it('CosineSchedule equals nanoGPT get_lr at every step (baby Shakespeare config)', () => {
    const s = new CosineSchedule({ maxLr: 1e-3, minLr: 1e-4, warmupSteps: 100, decaySteps: 2000 });
    for (let i = 0; i < 2100; i++) expect(s.lr(i)).toBe(nanoGptLr(i, 1e-3, 1e-4, 100, 2000));
  });

  it('linear decay: maxLr after warmup, halfway at the middle, minLr at decaySteps and after', () => {
    const s = new LinearSchedule({ maxLr: 1, minLr: 0.1, warmupSteps: 10, decaySteps: 110 });
    expect(s.lr(10)).toBe(1);
    expect(s.lr(60)).toBeCloseTo(0.55, 12);
    expect(s.lr(110)).toBeCloseTo(0.1, 12);
    expect(s.lr(500)).toBe(0.1);
    expect(s.lr(0)).toBeCloseTo(1 / 11, 12);
  });

  it('warmup/decay: warmup strictly increases, decay never increases, no rate exceeds maxLr', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 200 }), (maxLr, frac, warmup, span) => {
        for (const S of [CosineSchedule, LinearSchedule]) {
          const s = new S({ maxLr, minLr: maxLr * frac, warmupSteps: warmup, decaySteps: warmup + span });
          for (let i = 1; i < warmup; i++) expect(s.lr(i)).toBeGreaterThan(s.lr(i - 1));
          for (let i = warmup + 1; i < warmup + span + 5; i++) expect(s.lr(i)).toBeLessThanOrEqual(s.lr(i - 1) + 1e-15);
          for (let i = 0; i < warmup + span + 5; i++) expect(s.lr(i)).toBeLessThanOrEqual(maxLr * (1 + 1e-12));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('constants, functions and bad options', () => {
    expect(toSchedule(0.5).lr(7)).toBe(0.5);
    expect(toSchedule((s) => 1 / (s + 1)).lr(3)).toBe(0.25);
    expect(new ConstantSchedule(2).getConfig()).toEqual({ type: 'constant', rate: 2 });
    expect(() => new CosineSchedule({ maxLr: 1, warmupSteps: 10, decaySteps: 5 })).toThrow(/'decaySteps' must be >= warmupSteps = 10, got 5/);
    expect(() => new ConstantSchedule(-1)).toThrow(/'rate' must be a finite number >= 0, got -1/);
  });
});
