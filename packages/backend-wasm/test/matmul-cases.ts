// Matmul cases shared by the BLAS and XNNPACK paths (fast-matmul.ts, blas-matmul.ts) against a
// float64 host reference: transposes, batches, broadcast batches, odd and empty sizes, and the
// fused bias/activation epilogue. The conformance suite checks both paths against PyTorch too.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { Rng, currentBackend, tf, useBackend } from '@llmkit/core';
import { setMatMulBlas } from '@llmkit/backend-wasm';

/** Flat batch item of an operand with batch shape `own` for output batch item `p` of `out` (broadcast). */
function operandBatch(own: number[], out: number[], p: number): number {
  let flat = 0, stride = 1, rest = p;
  for (let d = out.length - 1; d >= 0; d--) {
    const coord = rest % out[d]!;
    rest = Math.floor(rest / out[d]!);
    const j = d - (out.length - own.length);
    const dim = j >= 0 ? own[j]! : 1;
    flat += (dim === 1 ? 0 : coord) * stride;
    stride *= dim;
  }
  return flat;
}

function reference(a: Float32Array, as: number[], b: Float32Array, bs: number[], ta: boolean, tb: boolean): { data: Float64Array; shape: number[] } {
  const [ar, ac] = as.slice(-2) as [number, number];
  const [br, bc] = bs.slice(-2) as [number, number];
  const [m, k] = ta ? [ac, ar] : [ar, ac];
  const n = tb ? br : bc;
  const aBatch = as.slice(0, -2), bBatch = bs.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const batchShape = Array.from({ length: rank }, (_, i) => {
    const da = aBatch[aBatch.length - rank + i] ?? 1, db = bBatch[bBatch.length - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
  const batch = batchShape.reduce((x, y) => x * y, 1);
  const out = new Float64Array(batch * m * n);
  for (let p = 0; p < batch; p++) {
    const ao = operandBatch(aBatch, batchShape, p) * ar * ac;
    const bo = operandBatch(bBatch, batchShape, p) * br * bc;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a[ao + (ta ? q * ac + i : i * ac + q)]! * b[bo + (tb ? j * bc + q : q * bc + j)]!;
        out[p * m * n + i * n + j] = s;
      }
  }
  return { data: out, shape: [...batchShape, m, n] };
}

const ACTIVATIONS: Record<string, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(x, 0),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  leakyrelu: (x) => (x < 0 ? 0.2 * x : x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  elu: (x) => (x < 0 ? Math.expm1(x) : x),
};

/** Runs every case with matmuls on `path` ('blas': the machine's BLAS, skipped where none is found outside CI). */
export function describeMatMul(path: 'blas' | 'xnnpack'): void {
describe(`wasm matmul on ${path}`, () => {
  beforeAll(async () => {
    setMatMulBlas(path === 'blas' ? 'auto' : 'off');
    await useBackend('wasm');
    const matmul = String(currentBackend().describe().details?.matmul);
    if (path === 'xnnpack') expect(matmul).toMatch(/^XNNPACK/);
    else if (process.env.CI) expect(matmul, 'CI installs OpenBLAS (.ci/run)').toMatch(/^BLAS/);
    else if (!matmul.startsWith('BLAS')) console.warn(`matmul on blas: no BLAS on this machine, the cases ran on XNNPACK (${matmul})`);
  });

  const shapes: [number[], number[], boolean, boolean][] = [
    [[1, 1], [1, 1], false, false],
    [[2, 1, 3, 4], [5, 4, 6], false, false],
    [[3, 1, 4, 2], [1, 5, 3, 4], true, true],
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

  const fusedCases: [number[], number[], boolean, boolean, number[] | null, string][] = [
    [[6, 5], [5, 7], false, false, [7], 'linear'],
    [[5, 6], [7, 5], true, true, [7], 'relu'],
    [[2, 6, 5], [2, 5, 7], false, false, [1], 'relu6'],
    [[2, 6, 5], [5, 7], false, false, [2, 6, 7], 'leakyrelu'],
    [[6, 5], [7, 5], false, true, [6, 7], 'sigmoid'],
    [[6, 5], [5, 7], false, false, null, 'elu'],
  ];
  for (const [as, bs, ta, tb, biasShape, activation] of fusedCases) {
    // tfjs-wasm's own _FusedMatMul (the XNNPACK path) takes rank-1 biases only.
    if (path === 'xnnpack' && biasShape && biasShape.length > 1) continue;
    it(`fused [${as}] x [${bs}] transposeA=${ta} transposeB=${tb} + bias [${biasShape ?? 'none'}], ${activation}`, () => {
      const rng = new Rng(as.length * 7 + (biasShape?.length ?? 0));
      const a = rng.normalArray(as.reduce((x, y) => x * y, 1));
      const b = rng.normalArray(bs.reduce((x, y) => x * y, 1));
      const bias = biasShape ? rng.normalArray(biasShape.reduce((x, y) => x * y, 1)) : null;
      const y = tf.tidy(() =>
        tf.fused.matMul({
          a: tf.tensor(a, as), b: tf.tensor(b, bs), transposeA: ta, transposeB: tb,
          bias: bias ? tf.tensor(bias, biasShape!) : undefined,
          activation: activation as 'linear',
        }),
      );
      const ref = reference(a, as, b, bs, ta, tb);
      expect(y.shape).toEqual(ref.shape);
      const n = ref.shape.at(-1)!, m = ref.shape.at(-2)!;
      const got = y.dataSync();
      for (let i = 0; i < ref.data.length; i++) {
        // Bias broadcast to the output: [n], [1], [m, 1] or the full output shape.
        const bv = !bias ? 0 : bias.length === 1 ? bias[0]! : bias.length === n && biasShape!.at(-1) === n ? bias[i % n]! : bias.length === m ? bias[Math.floor(i / n) % m]! : bias[i]!;
        const want = ACTIVATIONS[activation]!(ref.data[i]! + bv);
        expect(Math.abs(got[i]! - want)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(want)));
      }
      y.dispose();
    });
  }

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
}
