// The Sum wrapper (leading-axes-sum.ts) against a float64 reference, for leading axes (its path)
// and every other reduction (tfjs's path).
import { describe, it, expect, beforeAll } from 'vitest';
import { Rng, tf, useBackend } from '@llmkit/core';
import '@llmkit/backend-wasm';

function reference(x: Float32Array, shape: number[], axes: number[]): Float64Array {
  const rank = shape.length;
  const norm = axes.map((a) => (a < 0 ? a + rank : a));
  const kept = shape.map((_, i) => i).filter((i) => !norm.includes(i));
  const outSize = kept.reduce((a, i) => a * shape[i]!, 1);
  const out = new Float64Array(outSize);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, d) => a * d, 1));
  for (let flat = 0; flat < x.length; flat++) {
    let o = 0;
    for (const i of kept) o = o * shape[i]! + (Math.floor(flat / strides[i]!) % shape[i]!);
    out[o] = out[o]! + x[flat]!;
  }
  return out;
}

describe('wasm Sum over leading axes', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });
  const cases: [number[], number[], boolean][] = [
    [[1024, 37], [0], false],
    [[4, 5, 6], [0, 1], false],
    [[4, 5, 6], [1, 0], true],
    [[4, 5, 6], [-3], false],
    [[4, 5, 6], [1], false],
    [[4, 5, 6], [2], true],
    [[4, 5, 6], [0, 2], false],
    [[4, 5, 6], [0, 1, 2], false],
    [[3, 0, 2], [0], false],
  ];
  for (const [shape, axes, keepDims] of cases) {
    it(`[${shape}] axes [${axes}] keepDims=${keepDims}`, () => {
      const x = new Rng(shape.length + axes.length).normalArray(shape.reduce((a, d) => a * d, 1));
      const y = tf.tidy(() => tf.sum(tf.tensor(x, shape), axes, keepDims));
      const expectedShape = keepDims ? shape.map((d, i) => (axes.map((a) => (a < 0 ? a + shape.length : a)).includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.map((a) => (a < 0 ? a + shape.length : a)).includes(i));
      expect(y.shape).toEqual(expectedShape);
      const ref = reference(x, shape, axes);
      const got = y.dataSync();
      for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(ref[i]!)));
      y.dispose();
    });
  }

  // The SIMD path (csrc/sum.c) adds the rows in order in float32, as the JavaScript loop it replaced.
  for (const shape of [[1024, 37], [16, 64, 130], [5, 3], [2, 1]]) {
    it(`[${shape}] over leading axes equals rows added in order in float32, bit for bit`, () => {
      const x = Float32Array.from(new Rng(shape.length * 7).normalArray(shape.reduce((a, d) => a * d, 1)));
      const lead = shape.length - 1;
      const cols = shape[lead]!, rows = x.length / cols;
      const want = x.slice(0, cols);
      for (let r = 1; r < rows; r++) for (let c = 0; c < cols; c++) want[c] = Math.fround(want[c]! + x[r * cols + c]!);
      const y = tf.tidy(() => tf.sum(tf.tensor(x, shape), Array.from({ length: lead }, (_, i) => i)));
      expect(Array.from(y.dataSync())).toEqual(Array.from(want));
      y.dispose();
    });
  }

  it('int32 sums stay exact (tfjs path)', () => {
    const y = tf.tidy(() => tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0));
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([4, 6]);
    y.dispose();
  });
});
