// tf.fused.matMul ('_FusedMatMul') on 'cuda' (the CPU test double: cuBLASLt epilogues, cuBLAS and
// the .cu elementwise kernels) against tfjs-cpu, forward for every activation, bias shape,
// transpose and batch, and tf.grad through tfjs's registered gradient. Tolerance 1e-5 absolute
// (float32 sums of <= 8 terms); no tensor and no device byte left behind.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import '@llmkit/backend-cpu';
import { ShapeError, tf, useBackend } from '@llmkit/core';
import type { Backend } from '@llmkit/core';
import { CublasLt } from '../src/ffi/cublaslt.js';
import { randomFloats, testCudaBackend } from './kernel-harness.js';

let cuda: Backend;
beforeAll(() => {
  cuda = testCudaBackend({ name: 'cuda-fused-matmul' });
});
afterEach(() => {
  vi.restoreAllMocks();
});

const r = (shape: number[], seed: number, scale = 1) => tf.tensor(randomFloats(shape.reduce((a, b) => a * b, 1), seed, scale), shape);
type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'prelu' | 'leakyrelu' | 'sigmoid';

interface Case {
  readonly name: string;
  readonly a: number[];
  readonly b: number[];
  readonly bias?: number[];
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
  readonly activation?: Activation;
  /** Does this case take Lt's epilogue (else cuBLAS + the broadcasting add)? */
  readonly lt: boolean;
}

const CASES: Case[] = [
  { name: 'no bias, linear', a: [5, 7], b: [7, 3], lt: false },
  { name: 'bias [n], linear (BIAS epilogue)', a: [5, 7], b: [7, 3], bias: [3], lt: true },
  { name: 'bias [n], relu (RELU_BIAS epilogue; scale 3 so both signs)', a: [4, 6], b: [6, 5], bias: [5], activation: 'relu', lt: true },
  { name: 'transposeA', a: [7, 5], b: [7, 3], bias: [3], transposeA: true, lt: true },
  { name: 'transposeB', a: [5, 7], b: [3, 7], bias: [1, 3], transposeB: true, activation: 'relu', lt: true },
  { name: 'transposeA and transposeB', a: [7, 5], b: [3, 7], bias: [3], transposeA: true, transposeB: true, lt: true },
  { name: 'batch 3 with a [1, 1, n] bias', a: [3, 4, 6], b: [3, 6, 2], bias: [1, 1, 2], activation: 'relu', lt: true },
  { name: 'batch 2, transposeB, linear with a [1, n] bias', a: [2, 4, 3], b: [2, 5, 3], bias: [1, 5], transposeB: true, lt: true },
  { name: 'batch 2, b broadcast over the batch', a: [2, 4, 3], b: [3, 5], bias: [5], lt: true },
  { name: 'bias [m, 1] (per row): cuBLAS + broadcasting add', a: [4, 3], b: [3, 5], bias: [4, 1], activation: 'relu', lt: false },
  { name: 'bias [batch, 1, n]: cuBLAS + broadcasting add', a: [2, 3, 4], b: [2, 4, 5], bias: [2, 1, 5], lt: false },
  { name: 'relu6 after the BIAS epilogue', a: [4, 6], b: [6, 5], bias: [5], activation: 'relu6', lt: true },
  { name: 'elu', a: [4, 6], b: [6, 5], bias: [5], activation: 'elu', lt: true },
  { name: 'leakyrelu (alpha 0.2)', a: [4, 6], b: [6, 5], bias: [5], activation: 'leakyrelu', lt: true },
  { name: 'prelu with per-column weights', a: [4, 6], b: [6, 5], bias: [5], activation: 'prelu', lt: true },
  { name: 'sigmoid without bias', a: [4, 6], b: [6, 5], activation: 'sigmoid', lt: false },
  { name: 'k = 0: act(bias) broadcast', a: [3, 0], b: [0, 4], bias: [4], activation: 'relu', lt: false },
  { name: 'empty output (m = 0)', a: [0, 3], b: [3, 4], bias: [4], lt: false },
];

function build(c: Case, seed: number) {
  return {
    a: r(c.a, seed, 3),
    b: r(c.b, seed + 1),
    bias: c.bias ? r(c.bias, seed + 2, 2) : undefined,
    prelu: c.activation === 'prelu' ? r([c.b[c.transposeB ? c.b.length - 2 : c.b.length - 1]!], seed + 3) : undefined,
  };
}

function forward(c: Case, seed: number): tf.Tensor {
  const t = build(c, seed);
  return tf.fused.matMul({ a: t.a, b: t.b, bias: t.bias, transposeA: c.transposeA, transposeB: c.transposeB, activation: c.activation, preluActivationWeights: t.prelu });
}

async function runOn(backend: 'cpu' | 'cuda', f: () => tf.Tensor | tf.Tensor[]) {
  await useBackend(backend === 'cuda' ? cuda : 'cpu');
  const out = tf.tidy(() => [f()].flat());
  const values = await Promise.all(out.map(async (t) => ({ shape: t.shape, values: Array.from(await t.data()) })));
  tf.dispose(out);
  return values;
}

const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe("tf.fused.matMul on 'cuda' (double) equals tfjs-cpu", () => {
  CASES.forEach((c, i) => {
    it(`${c.name} (${c.lt ? 'cuBLASLt epilogue' : 'cuBLAS path'})`, async () => {
      const want = await runOn('cpu', () => forward(c, 10 * i));
      const spy = vi.spyOn(CublasLt.prototype, 'gemmBiasRowMajor');
      const got = await runOn('cuda', () => forward(c, 10 * i));
      expect(tf.getBackend()).toBe('cuda');
      expect(spy.mock.calls.length).toBe(c.lt ? 1 : 0);
      expect(got[0]!.shape).toEqual(want[0]!.shape);
      expect(maxDiff(got[0]!.values, want[0]!.values)).toBeLessThanOrEqual(1e-5);
    });
  });

  it('tf.grad through the fused op (linear, bias [n] and [1, n], batched and transposed) equals tfjs-cpu within 1e-5', async () => {
    // tfjs's gradient of fused.matMul does not reduce a broadcast batch (it fails on tfjs-cpu too), so
    // the broadcast case is forward-only.
    const gradCases = CASES.filter((c) => c.lt && (c.activation ?? 'linear') === 'linear' && c.a.length === c.b.length);
    expect(gradCases.length).toBeGreaterThanOrEqual(4);
    for (const [j, c] of gradCases.entries()) {
      const f = () => {
        const t = build(c, 100 + j);
        const w = r([...(c.transposeA ? [c.a.at(-1)!] : [c.a.at(-2)!])], 200 + j); // weights the rows differently so dA is not symmetric
        const loss = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) =>
          tf.sum(tf.mul(tf.square(tf.fused.matMul({ a, b, bias, transposeA: c.transposeA, transposeB: c.transposeB })), tf.reshape(w, [-1, 1])));
        return tf.grads(loss)([t.a, t.b, t.bias!]);
      };
      const want = await runOn('cpu', f);
      const spy = vi.spyOn(CublasLt.prototype, 'gemmBiasRowMajor');
      const got = await runOn('cuda', f);
      expect(spy).toHaveBeenCalled();
      spy.mockRestore();
      for (let g = 0; g < 3; g++) {
        expect(got[g]!.shape, `${c.name}: gradient ${g}`).toEqual(want[g]!.shape);
        expect(maxDiff(got[g]!.values, want[g]!.values), `${c.name}: gradient ${g}`).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it('a training-like loop leaves no tensor and no device byte behind, and Lt keeps one plan per shape', async () => {
    await useBackend(cuda);
    const step = () => tf.tidy(() => {
      for (const [i, c] of CASES.entries()) forward(c, i);
      const t = build(CASES[1]!, 1);
      return tf.grads((a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) => tf.sum(tf.fused.matMul({ a, b, bias })))([t.a, t.b, t.bias!]);
    });
    tf.dispose(step());
    const before = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
    const spy = vi.spyOn(CublasLt.prototype, 'matmulDesc');
    for (let s = 0; s < 3; s++) tf.dispose(step());
    expect(spy).not.toHaveBeenCalled();
    const after = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytesInGPU).toBe(before.numBytesInGPU);
  });

  it('an unknown activation or prelu without weights is a ShapeError naming the kernel', async () => {
    await useBackend(cuda);
    const before = tf.memory().numTensors;
    const a = r([1, 2, 3], 1), b = r([1, 3, 2], 2);
    expect(() => tf.engine().runKernel('_FusedMatMul', { a, b }, { activation: 'swish' })).toThrow(ShapeError);
    expect(() => tf.engine().runKernel('_FusedMatMul', { a, b }, { activation: 'prelu' })).toThrow(/_FusedMatMul: activation prelu needs preluActivationWeights/);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  // Last: it removes the tfjs 'cuda' backend of this file's process.
  it('disposing the backend destroys cuBLASLt\'s plans, preference and handle (each call checked by the double)', async () => {
    await useBackend(cuda);
    tf.dispose(forward(CASES[1]!, 1));
    const destroy = vi.spyOn(CublasLt.prototype, 'destroy');
    const plans = vi.spyOn(CublasLt.prototype, 'call');
    tf.removeBackend('cuda');
    expect(destroy).toHaveBeenCalledTimes(1);
    const calls = plans.mock.calls.map((c) => c[0]);
    const descs = calls.filter((c) => c === 'cublasLtMatmulDescDestroy').length;
    expect(descs).toBeGreaterThanOrEqual(1);
    expect(calls.filter((c) => c === 'cublasLtMatrixLayoutDestroy').length).toBe(3 * descs);
    expect(calls.slice(-2)).toEqual(['cublasLtMatmulPreferenceDestroy', 'cublasLtDestroy']);
    expect(calls.length).toBe(4 * descs + 2);
  });
});
