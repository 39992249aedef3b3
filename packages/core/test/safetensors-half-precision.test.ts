import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  bf16BitsToFloat32,
  f16BitsToFloat32,
  float32ToBf16Bits,
  float32ToF16Bits,
} from '../src/safetensors/half-precision.js';

// Independent reference for F16: the value of a bit pattern from the IEEE 754 definition, in
// float64 arithmetic, not bit manipulation.
function f16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  if (exp === 0) return sign * mant * 2 ** -24;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

const ALL_F16 = Uint16Array.from({ length: 65536 }, (_, i) => i);

// Non-negative finite f16 values in increasing order (bit order = value order), with 65536 standing
// in for +inf: the value that overflow rounds to, one ulp (32) above 65504.
const POSITIVE_F16 = [...Array.from({ length: 0x7c00 }, (_, h) => f16Value(h)), 65536];

/** Round-to-nearest-even F16 bits of a float64, by search over the table. */
function referenceF16(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65536) return sign | 0x7c00;
  let lo = 0;
  let hi = POSITIVE_F16.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((POSITIVE_F16[mid] as number) <= a) lo = mid;
    else hi = mid;
  }
  const dl = a - (POSITIVE_F16[lo] as number);
  const dh = (POSITIVE_F16[hi] as number) - a;
  const pick = dl < dh ? lo : dh < dl ? hi : lo % 2 === 0 ? lo : hi;
  return sign | pick;
}

/** Any float32 bit pattern, with exact F16 and BF16 ties (and their neighbours) made common. */
const f32Word = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc
    .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0x0fff, 0x1000, 0x1001))
    .map(([w, low]) => ((w & ~0x1fff) | low) >>> 0),
  fc
    .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0x7fff, 0x8000, 0x8001))
    .map(([w, low]) => ((w & ~0xffff) | low) >>> 0),
);

function asF32(bits: number): number {
  return new Float32Array(new Uint32Array([bits]).buffer)[0] as number;
}

describe('F16 <-> float32', () => {
  test('widening every F16 bit pattern gives its IEEE value (subnormals, -0, inf, NaN)', () => {
    const wide = f16BitsToFloat32(ALL_F16);
    const wrong = [...ALL_F16].filter((h) => !Object.is(wide[h], f16Value(h)));
    expect(wrong).toEqual([]);
  });

  test('narrowing a widened F16 gives back its bits (NaN becomes the canonical sign|0x7e00)', () => {
    const back = float32ToF16Bits(f16BitsToFloat32(ALL_F16));
    const wrong = [...ALL_F16].filter((h) => {
      const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      return back[h] !== (isNaN ? (h & 0x8000) | 0x7e00 : h);
    });
    expect(wrong).toEqual([]);
  });

  test('narrowing: float32 -> F16 is round-to-nearest-even (any float32 bit pattern)', () => {
    fc.assert(
      fc.property(fc.array(f32Word, { minLength: 1, maxLength: 64 }), (words) => {
        const src = new Float32Array(Uint32Array.from(words).buffer);
        const got = float32ToF16Bits(src);
        src.forEach((x, i) => {
          const want = Number.isNaN(x) ? (((words[i] as number) >>> 16) & 0x8000) | 0x7e00 : referenceF16(x);
          expect(got[i], `x=${x} (0x${(words[i] as number).toString(16)})`).toBe(want);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('narrowing: ties, overflow and underflow boundaries', () => {
    const cases: [number, number][] = [
      [1 + 2 ** -11, 0x3c00], // halfway 1 and next: tie to even (1.0)
      [1 + 3 * 2 ** -11, 0x3c02], // halfway, rounds up to even
      [65504, 0x7bff],
      [65519.99609375, 0x7bff], // just below the overflow tie
      [65520, 0x7c00], // tie between 65504 and "65536": to even, i.e. inf
      [-1e6, 0xfc00],
      [2 ** -25, 0x0000], // half the smallest subnormal: tie to even (0)
      [asF32(0x33000001), 0x0001], // just above it
      [3 * 2 ** -25, 0x0002], // tie between subnormals 1 and 2: to even
      [2 ** -14 - 2 ** -25, 0x0400], // rounds up into the smallest normal
      [-0, 0x8000],
    ];
    for (const [x, bits] of cases) expect(float32ToF16Bits(new Float32Array([x]))[0], `x=${x}`).toBe(bits);
  });
});

describe('BF16 <-> float32', () => {
  test('widening is the top half of a float32 (every bit pattern)', () => {
    const wide = new Uint32Array(bf16BitsToFloat32(ALL_F16).buffer);
    expect([...ALL_F16].filter((h) => wide[h] !== (h << 16) >>> 0)).toEqual([]);
  });

  test('narrowing: float32 -> BF16 is round-to-nearest-even, NaN becomes the canonical 0x7fc0', () => {
    fc.assert(
      fc.property(fc.array(f32Word, { minLength: 1, maxLength: 64 }), (words) => {
        const src = new Float32Array(Uint32Array.from(words).buffer);
        const got = float32ToBf16Bits(src);
        src.forEach((x, i) => {
          const w = words[i] as number;
          if (Number.isNaN(x)) {
            expect(got[i]).toBe(0x7fc0);
            return;
          }
          const down = w >>> 16;
          if (!Number.isFinite(x)) {
            expect(got[i]).toBe(down);
            return;
          }
          // The two BF16 neighbours of x (by magnitude), compared in float64; inf counts as
          // 2^128, one ulp past the largest finite value, so that overflow rounds like any tie.
          const up = down + 1;
          const value = (h: number) => ((h & 0x7fff) === 0x7f80 ? (h & 0x8000 ? -1 : 1) * 2 ** 128 : asF32((h << 16) >>> 0));
          const dDown = Math.abs(x - value(down));
          const dUp = Math.abs(value(up) - x);
          const want = dDown < dUp ? down : dUp < dDown ? up : down % 2 === 0 ? down : up;
          expect(got[i], `x=${x} (0x${w.toString(16)})`).toBe(want);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('narrowing overflows to inf and keeps -0', () => {
    const got = float32ToBf16Bits(new Float32Array([asF32(0x7f7fffff), -asF32(0x7f7fffff), -0, Infinity]));
    expect(Array.from(got)).toEqual([0x7f80, 0xff80, 0x8000, 0x7f80]);
  });
});
