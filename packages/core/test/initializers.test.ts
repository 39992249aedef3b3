import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../src/random/rng.js';
import {
  normal,
  normalInitializer,
  ones,
  onesInitializer,
  truncatedNormal,
  truncatedNormalInitializer,
  uniform,
  uniformInitializer,
  zeros,
  zerosInitializer,
  type Initializer,
} from '../src/random/initializers.js';
import { ConfigError, ShapeError } from '../src/errors.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function values(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

function meanStd(xs: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / xs.length;
  let sq = 0;
  for (const x of xs) sq += (x - mean) ** 2;
  return { mean, std: Math.sqrt(sq / xs.length) };
}

describe('initializers', () => {
  test('zeros and ones give float32 tensors of the shape', () => {
    const z = zeros([2, 3]);
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe('float32');
    expect(Array.from(values(z))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(values(ones([4])))).toEqual([1, 1, 1, 1]);
    expect(values(zeros([0, 5]))).toHaveLength(0);
    const scalar = zeros([]);
    expect(scalar.shape).toEqual([]);
    expect(Array.from(values(scalar))).toEqual([0]);
  });

  test('values are exactly those of the Rng stream (bit-identical on any backend)', () => {
    expect(values(normal([3, 4], { std: 0.02, rng: new Rng(42) }))).toEqual(new Rng(42).normalArray(12, 0, 0.02));
    expect(values(uniform([5], { low: -1, high: 1, rng: new Rng(42) }))).toEqual(new Rng(42).uniformArray(5, -1, 1));
  });

  test('same seed same values, different seed different values', () => {
    const a = values(normal([100], { rng: new Rng(1) }));
    expect(values(normal([100], { rng: new Rng(1) }))).toEqual(a);
    expect(values(normal([100], { rng: new Rng(2) }))).not.toEqual(a);
  });

  test('normal: mean and std for n = 1e5 (seed 3)', () => {
    const { mean, std } = meanStd(values(normal([100, 1000], { mean: 0.5, std: 0.02, rng: new Rng(3) })));
    // Standard error of the mean is 0.02/sqrt(1e5) ≈ 6.3e-5; bounds are ~5 sigma.
    expect(Math.abs(mean - 0.5)).toBeLessThan(3.2e-4);
    expect(Math.abs(std - 0.02)).toBeLessThan(2.5e-4);
  });

  test('uniform: range [low, high), mean and std for n = 1e5 (seed 4)', () => {
    const xs = values(uniform([100_000], { low: -0.1, high: 0.3, rng: new Rng(4) }));
    expect(xs.every((x) => x >= Math.fround(-0.1) && x < 0.3)).toBe(true);
    const { mean, std } = meanStd(xs);
    expect(Math.abs(mean - 0.1)).toBeLessThan(0.002);
    expect(Math.abs(std - 0.4 / Math.sqrt(12))).toBeLessThan(0.002);
  });

  test('truncatedNormal: every value in [a, b]; defaults are PyTorch\'s absolute [-2, 2]', () => {
    const xs = values(truncatedNormal([100_000], { rng: new Rng(5) }));
    expect(xs.every((x) => x >= -2 && x <= 2)).toBe(true);
    // N(0,1) truncated to [-2, 2] has std ≈ 0.8796 (closed form); mean 0.
    const { mean, std } = meanStd(xs);
    expect(Math.abs(mean)).toBeLessThan(0.015);
    expect(Math.abs(std - 0.8796)).toBeLessThan(0.01);
    // Something near the edges was drawn (the cut is real, not a clamp to the interior).
    expect(xs.some((x) => x > 1.95)).toBe(true);
  });

  test('truncatedNormal: with std = 0.02 the default bounds cut nothing (PyTorch semantics)', () => {
    const a = values(truncatedNormal([1000], { std: 0.02, rng: new Rng(6) }));
    expect(a).toEqual(values(normal([1000], { std: 0.02, rng: new Rng(6) })));
  });

  test('truncatedNormal: asymmetric bounds in units of std are respected', () => {
    const std = 0.02;
    const xs = values(truncatedNormal([50_000], { mean: 0, std, a: -std, b: 2 * std, rng: new Rng(7) }));
    expect(xs.every((x) => x >= -std && x <= 2 * std)).toBe(true);
    expect(xs.reduce((m, x) => Math.min(m, x), Infinity)).toBeLessThan(-0.9 * std);
  });

  test('truncatedNormal: degenerate bounds throw ConfigError instead of looping forever', () => {
    expect(() => truncatedNormal([2], { a: 50, b: 51, rng: new Rng(1) })).toThrow(/almost none/);
    expect(() => truncatedNormal([2], { a: 1, b: -1, rng: new Rng(1) })).toThrow(ConfigError);
  });

  test('invalid shapes throw ShapeError; missing rng and bad options throw ConfigError', () => {
    expect(() => zeros([2, -1])).toThrow(ShapeError);
    expect(() => ones([1.5])).toThrow(/non-negative integers/);
    expect(() => normal([2], {} as { rng: Rng })).toThrow(/rng/);
    expect(() => normal([2], { std: -1, rng: new Rng(1) })).toThrow(ConfigError);
    expect(() => uniform([2], { low: 1, high: 0, rng: new Rng(1) })).toThrow(ConfigError);
  });

  test('Initializer factories build the same tensors as the direct functions', () => {
    const cases: Array<[Initializer, (rng: Rng) => tf.Tensor]> = [
      [zerosInitializer(), () => zeros([2, 3])],
      [onesInitializer(), () => ones([2, 3])],
      [uniformInitializer({ low: -2, high: 2 }), (rng) => uniform([2, 3], { low: -2, high: 2, rng })],
      [normalInitializer({ std: 0.02 }), (rng) => normal([2, 3], { std: 0.02, rng })],
      [truncatedNormalInitializer({ a: -1, b: 1 }), (rng) => truncatedNormal([2, 3], { a: -1, b: 1, rng })],
    ];
    for (const [init, direct] of cases) {
      const t = init([2, 3], new Rng(8));
      expect(t.shape).toEqual([2, 3]);
      expect(values(t)).toEqual(values(direct(new Rng(8))));
    }
  });

  test('initializers leave no tensors behind', () => {
    const before = tf.memory().numTensors;
    const t = normal([10, 10], { rng: new Rng(1) });
    expect(tf.memory().numTensors).toBe(before + 1);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
