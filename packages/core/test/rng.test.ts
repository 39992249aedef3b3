import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Rng, type RngState } from '../src/random/rng.js';
import { ConfigError } from '../src/errors.js';

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

function min(xs: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < xs.length; i++) m = Math.min(m, xs[i]!);
  return m;
}

function max(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, xs[i]!);
  return m;
}

function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  const mean = sum / xs.length;
  let sq = 0;
  for (let i = 0; i < xs.length; i++) sq += (xs[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / xs.length) };
}

describe('Rng golden values', () => {
  test('xoshiro128** from state [1, 2, 3, 4] matches the reference C implementation', () => {
    // Reference: Blackman & Vigna's xoshiro128starstar.c, transcribed to Python integers.
    const rng = new Rng(0);
    rng.setState({ algorithm: 'xoshiro128**', key: '0000000000000000', s: [1, 2, 3, 4], spare: null });
    expect(draws(rng, 10)).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
    ]);
  });

  test('seed 42 is expanded by SplitMix64 into the expected state', () => {
    // Reference: the first two SplitMix64 outputs from 42, low word first, computed in Python.
    expect(new Rng(42).getState().s).toEqual([803958421, 3184996902, 2993090819, 686809907]);
  });

  test('seed 42: first five outputs of each method (catches any change of algorithm)', () => {
    expect(draws(new Rng(42), 5)).toEqual([1776835114, 4165204688, 17111135, 2317295270, 2792088233]);
    const f = new Rng(42);
    expect(Array.from({ length: 5 }, () => f.nextFloat())).toEqual([
      0.4137016681565887, 0.003983993377814743, 0.6500837027638867, 0.6846020186141416, 0.8306474885481525,
    ]);
    const g = new Rng(42);
    const normals = Array.from({ length: 5 }, () => g.normal());
    // Box–Muller goes through Math.log/cos/sin: allow the last ulp or two of float64.
    const expected = [1.0330460074021806, 0.02586478448470201, -0.5788627332356062, -1.3285482843233385, -0.16271498423587358];
    normals.forEach((z, i) => expect(z).toBeCloseTo(expected[i]!, 14));
    expect(Array.from(new Rng(42).normalArray(5))).toEqual(expected.map(Math.fround));
  });
});

describe('Rng determinism', () => {
  test('same seed gives the same sequence; number and bigint seeds agree', () => {
    expect(draws(new Rng(7), 100)).toEqual(draws(new Rng(7), 100));
    expect(draws(new Rng(7n), 100)).toEqual(draws(new Rng(7), 100));
  });

  test('different seeds give different sequences', () => {
    expect(draws(new Rng(1), 8)).not.toEqual(draws(new Rng(2), 8));
    expect(draws(new Rng(0), 8)).not.toEqual(draws(new Rng(2n ** 63n), 8));
  });

  test('negative seeds wrap modulo 2^64', () => {
    expect(draws(new Rng(-1), 8)).toEqual(draws(new Rng(2n ** 64n - 1n), 8));
  });

  test('invalid seeds throw ConfigError', () => {
    expect(() => new Rng(1.5)).toThrow(ConfigError);
    expect(() => new Rng(2 ** 60)).toThrow(/safe integer/);
    expect(() => new Rng(2n ** 64n)).toThrow(ConfigError);
    expect(() => new Rng('1' as unknown as number)).toThrow(ConfigError);
  });

  test('state save/restore continues identically, including a pending Box–Muller spare', () => {
    const rng = new Rng(123);
    draws(rng, 17);
    rng.normal(); // leaves a spare
    const saved = JSON.parse(JSON.stringify(rng.getState())) as RngState;
    expect(saved.spare).not.toBeNull();
    const expected = [rng.normal(), rng.normal(), rng.nextFloat(), rng.nextUint32()];
    const restored = new Rng(999);
    restored.setState(saved);
    expect([restored.normal(), restored.normal(), restored.nextFloat(), restored.nextUint32()]).toEqual(expected);
  });

  test('setState rejects malformed states naming the field', () => {
    const good = new Rng(1).getState();
    const rng = new Rng(1);
    expect(() => rng.setState({ ...good, algorithm: 'pcg32' })).toThrow(/algorithm/);
    expect(() => rng.setState({ ...good, key: 'xyz' })).toThrow(/key/);
    expect(() => rng.setState({ ...good, s: [1, 2, 3] as unknown as RngState['s'] })).toThrow(/\bs\b/);
    expect(() => rng.setState({ ...good, s: [0, 0, 0, 0] })).toThrow(/non-zero/);
    expect(() => rng.setState({ ...good, spare: Number.NaN })).toThrow(/spare/);
    expect(() => rng.setState(null as unknown as RngState)).toThrow(ConfigError);
    // A failed restore leaves the generator unchanged.
    expect(draws(rng, 4)).toEqual(draws(new Rng(1), 4));
  });

  test('property: setState(getState()) round-trips through JSON and continues identically', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat(50), fc.nat(3), (seed, skip, normals) => {
        const a = new Rng(seed);
        draws(a, skip);
        for (let i = 0; i < normals; i++) a.normal();
        const b = new Rng(0);
        b.setState(JSON.parse(JSON.stringify(a.getState())) as RngState);
        expect(b.getState()).toEqual(a.getState());
        expect([b.normal(), b.nextUint32(), b.fork('x').nextUint32()]).toEqual([a.normal(), a.nextUint32(), a.fork('x').nextUint32()]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Rng.fork', () => {
  test('forks are deterministic, differ from the parent and from each other', () => {
    const parent = new Rng(5);
    const a = draws(parent.fork('a'), 16);
    expect(draws(new Rng(5).fork('a'), 16)).toEqual(a);
    expect(a).not.toEqual(draws(new Rng(5), 16));
    expect(a).not.toEqual(draws(parent.fork('b'), 16));
    expect(draws(parent.fork(0), 16)).not.toEqual(draws(parent.fork('0'), 16));
    expect(draws(parent.fork(0), 16)).not.toEqual(draws(parent.fork(1), 16));
    expect(draws(parent.fork('a').fork('b'), 16)).not.toEqual(draws(parent.fork('b').fork('a'), 16));
    expect(draws(new Rng(6).fork('a'), 16)).not.toEqual(a);
  });

  test('fork depends on the key only and drawing from a child leaves the parent untouched', () => {
    const parent = new Rng(5);
    const before = parent.getState();
    const child = parent.fork('w');
    draws(child, 100);
    expect(parent.getState()).toEqual(before);
    draws(parent, 10);
    expect(draws(parent.fork('w'), 8)).toEqual(draws(new Rng(5).fork('w'), 8));
  });

  test('forked streams are uncorrelated (sample correlation of 1e5 floats near 0)', () => {
    const a = new Rng(11).fork('left');
    const b = new Rng(11).fork('right');
    const n = 100_000;
    let sab = 0;
    for (let i = 0; i < n; i++) sab += (a.nextFloat() - 0.5) * (b.nextFloat() - 0.5);
    // var of U[0,1) is 1/12; the correlation estimate has std 1/sqrt(n) ≈ 0.0032: allow 5 sigma.
    expect(Math.abs(sab / n / (1 / 12))).toBeLessThan(0.016);
  });

  test('invalid labels throw ConfigError', () => {
    expect(() => new Rng(1).fork(-1)).toThrow(ConfigError);
    expect(() => new Rng(1).fork(0.5)).toThrow(ConfigError);
    expect(() => new Rng(1).fork({} as unknown as string)).toThrow(ConfigError);
  });
});

describe('Rng statistics (fixed seeds, n = 1e5)', () => {
  const n = 100_000;

  test('nextFloat lies in [0, 1) with mean 1/2 and std 1/sqrt(12)', () => {
    const rng = new Rng(2024);
    const xs = Float64Array.from({ length: n }, () => rng.nextFloat());
    expect(min(xs)).toBeGreaterThanOrEqual(0);
    expect(max(xs)).toBeLessThan(1);
    const { mean, std } = meanStd(xs);
    // Standard error of the mean is 0.289/sqrt(1e5) ≈ 0.0009: bounds are ~5 sigma.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(std - 1 / Math.sqrt(12))).toBeLessThan(0.005);
  });

  test('uniformArray lies in [lo, hi) with the right mean and std', () => {
    const xs = new Rng(3).uniformArray(n, -3, 5);
    expect(xs).toBeInstanceOf(Float32Array);
    expect(min(xs)).toBeGreaterThanOrEqual(-3);
    expect(max(xs)).toBeLessThan(5);
    const { mean, std } = meanStd(xs);
    expect(Math.abs(mean - 1)).toBeLessThan(0.04);
    expect(Math.abs(std - 8 / Math.sqrt(12))).toBeLessThan(0.04);
  });

  test('uniformArray stays in [lo, hi) even where float32 rounding leaves the interval', () => {
    // [1 - 2^-24, 1) holds one float32; lo + (hi - lo) * u rounds up to hi about half the time.
    const xs = new Rng(9).uniformArray(1000, 1 - 2 ** -24, 1);
    expect(new Set(xs)).toEqual(new Set([1 - 2 ** -24]));
    // lo = 0.1 is not a float32 and float32(0.1) > 0.1; 0.1 + 2^-30 rounds down to below 0.1.
    const ys = new Rng(9).uniformArray(1000, 0.1, 0.1 + 2 ** -20);
    expect(min(ys)).toBeGreaterThanOrEqual(0.1);
    expect(max(ys)).toBeLessThan(0.1 + 2 ** -20);
    expect(() => new Rng(9).uniformArray(1, 1 - 2 ** -26, 1 - 2 ** -27)).toThrow(/no float32/);
  });

  test('normalArray has the requested mean and std', () => {
    const xs = new Rng(77).normalArray(n, 2, 3);
    const { mean, std } = meanStd(xs);
    // Standard error of the mean is 3/sqrt(1e5) ≈ 0.0095; of the std ≈ 0.0067.
    expect(Math.abs(mean - 2)).toBeLessThan(0.05);
    expect(Math.abs(std - 3)).toBeLessThan(0.035);
    // About 68.27% within one sigma.
    const within = xs.filter((x) => Math.abs(x - 2) < 3).length / n;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.01);
  });

  test('nextInt is in range and covers every value about equally', () => {
    const rng = new Rng(8);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[rng.nextInt(7)]! += 1;
    // Each count ~ Binomial(70000, 1/7): std ≈ 92.6; allow 5 sigma.
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(463);
    expect(new Rng(1).nextInt(1)).toBe(0);
    expect(new Rng(1).nextInt(2 ** 32)).toBe(new Rng(1).nextUint32());
    expect(() => rng.nextInt(0)).toThrow(ConfigError);
  });

  test('array helpers validate their arguments', () => {
    const rng = new Rng(1);
    expect(() => rng.uniformArray(-1)).toThrow(ConfigError);
    expect(() => rng.uniformArray(3, 1, 1)).toThrow(/lo < hi/);
    expect(() => rng.normalArray(3, 0, -1)).toThrow(/std/);
    expect(rng.normalArray(0)).toHaveLength(0);
  });
});
