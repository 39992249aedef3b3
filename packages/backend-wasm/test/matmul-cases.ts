// The matmul wrappers (fast-matmul.ts) against a float64 host reference: transposes, batches,
// broadcast batches, odd and empty sizes. The conformance suite checks them against PyTorch too.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { Rng, tf, useBackend } from '@llmkit/core';
import '@llmkit/backend-wasm';

function reference(a: Float32Array, as: number[], b: Float32Array, bs: number[], ta: boolean, tb: boolean): { data: Float64Array; shape: number[] } {
  const [ar, ac] = as.slice(-2) as [number, number];
  const [br, bc] = bs.slice(-2) as [number, number];
  const [m, k] = ta ? [ac, ar] : [ar, ac];
  const n = tb ? br : bc;
  const batchA = as.slice(0, -2).reduce((x, y) => x * y, 1);
  const batchB = bs.slice(0, -2).reduce((x, y) => x * y, 1);
  const batch = Math.max(batchA, batchB);
  const batchShape = (as.length >= bs.length ? as : bs).slice(0, -2).map((d, i, arr) => {
    const other = (as.length >= bs.length ? bs : as).slice(0, -2);
    const j = i - (arr.length - other.length);
    return j >= 0 ? Math.max(d, other[j]!) : d;
  });
  const out = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const ao = (batchA === 1 ? 0 : p) * ar * ac;
    const bo = (batchB === 1 ? 0 : p) * br * bc;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a[ao + (ta ? q * ac + i : i * ac + q)]! * b[bo + (tb ? j * bc + q : q * bc + j)]!;
        out[p * m * n + i * n + j] = s;
      }
  }
  return { data: out, shape: [...batchShape, m, n] };
}

describe('wasm matmul wrappers', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  const shapes: [number[], number[], boolean, boolean][] = [
    [[7, 5], [5, 3], false, false],
    [[5, 7], [5, 3], true, false],
    [[7, 5], [3, 5], false, true],
    [[5, 7], [3, 5], true, true],
    [[2, 3, 6, 4], [2, 3, 4, 5], false, false],
    [[2, 3, 4, 6], [2, 3, 5, 4], true, true],
    [[2, 3, 6, 4], [4, 5], false, false],
    [[6, 4], [3, 5, 4], false, true],
    [[1, 6, 4], [3, 4, 5], false, false],
    [[4, 0, 3], [4, 3, 2], false, false],
    [[4, 2, 3], [4, 3, 0], false, false],
    [[3, 2, 0], [3, 0, 4], false, false],
    [[3, 0, 2], [3, 4, 0], true, true],
  ];
  for (const [as, bs, ta, tb] of shapes) {
    it(`[${as}] x [${bs}] transposeA=${ta} transposeB=${tb}`, () => {
      const rng = new Rng(as.length * 31 + bs.length);
      const a = rng.normalArray(as.reduce((x, y) => x * y, 1));
      const b = rng.normalArray(bs.reduce((x, y) => x * y, 1));
      const before = tf.memory().numTensors;
      const y = tf.tidy(() => tf.matMul(tf.tensor(a, as), tf.tensor(b, bs), ta, tb));
      const ref = reference(a, as, b, bs, ta, tb);
      expect(y.shape).toEqual(ref.shape);
      const got = y.dataSync();
      for (let i = 0; i < ref.data.length; i++) expect(Math.abs(got[i]! - ref.data[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(ref.data[i]!)));
      y.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('random shapes and flags agree with the reference (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.record({ batch: fc.integer({ min: 1, max: 4 }), m: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 9 }), ta: fc.boolean(), tb: fc.boolean(), seed: fc.nat() }),
        ({ batch, m, k, n, ta, tb, seed }) => {
          const rng = new Rng(seed);
          const as = [batch, ...(ta ? [k, m] : [m, k])];
          const bs = [batch, ...(tb ? [n, k] : [k, n])];
          const a = rng.normalArray(batch * m * k);
          const b = rng.normalArray(batch * k * n);
          const got = tf.tidy(() => tf.matMul(tf.tensor(a, as), tf.tensor(b, bs), ta, tb).dataSync());
          const ref = reference(a, as, b, bs, ta, tb);
          for (let i = 0; i < ref.data.length; i++) expect(Math.abs(got[i]! - ref.data[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(ref.data[i]!)));
        },
      ),
      { numRuns: 40, seed: 7 },
    );
  });

  it('gradients through transposed and batched products match finite differences of the reference', () => {
    const rng = new Rng(5);
    const a = tf.tensor(rng.normalArray(2 * 3 * 4), [2, 3, 4]);
    const b = tf.tensor(rng.normalArray(2 * 5 * 4), [2, 5, 4]);
    const w = tf.tensor(rng.normalArray(2 * 3 * 5), [2, 3, 5]);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, false, true), w)))([a, b]);
    // d/da sum((a b^T) * w) = w b ; d/db = w^T a
    const ea = tf.matMul(w, b);
    const eb = tf.matMul(w, a, true, false);
    expect(Math.max(...tf.abs(tf.sub(da!, ea)).dataSync())).toBeLessThan(1e-5);
    expect(Math.max(...tf.abs(tf.sub(db!, eb)).dataSync())).toBeLessThan(1e-5);
    tf.dispose([a, b, w, da!, db!, ea, eb]);
  });
});
