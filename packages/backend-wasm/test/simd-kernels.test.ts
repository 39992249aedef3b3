// The SIMD kernels of csrc/ (simd/kernels.ts) against core's JavaScript host kernels, whose math
// they follow, on shapes the PyTorch fixtures of the conformance suite do not reach: row lengths
// that are not multiples of 4 (the vector tails), one column, -inf logits, GELU's large |x| (the
// exp branch of tanh), ignored labels. Tolerance: 2e-6·(1 + |ref|) — float32 vector arithmetic
// against the host kernels' float64 accumulators. The conformance suite checks both against PyTorch.
import { describe, it, expect, beforeAll } from 'vitest';
import { Rng, ShapeError, currentBackend, tf, useBackend } from '@llmkit/core';
import { hostKernels, type HostMemory } from '@llmkit/core/kernels';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import '@llmkit/backend-wasm';

/** Host memory over plain arrays, to run core's JavaScript kernels as the reference. */
function plainMemory(): { mem: HostMemory; info(data: Float32Array | Int32Array, shape: number[]): TensorInfo } {
  const store = new Map<object, Float32Array | Int32Array>();
  const info = (data: Float32Array | Int32Array, shape: number[]): TensorInfo => {
    const dataId = {};
    store.set(dataId, data);
    return { dataId, shape, dtype: data instanceof Int32Array ? 'int32' : 'float32' } as TensorInfo;
  };
  return {
    info,
    mem: {
      alloc: (shape, dtype) => info(dtype === 'int32' ? new Int32Array(shape.reduce((a, d) => a * d, 1)) : new Float32Array(shape.reduce((a, d) => a * d, 1)), [...shape]),
      view: (t) => store.get(t.dataId)!,
    },
  };
}

type Input = Float32Array | Int32Array;

/** Runs `kernel` on wasm (SIMD) and as core's host kernel; compares every output. */
function compare(kernel: string, inputs: Record<string, [Input, number[]]>, attrs: Record<string, unknown>) {
  const tensors = Object.fromEntries(Object.entries(inputs).map(([k, [d, s]]) => [k, tf.tensor(d, s, d instanceof Int32Array ? 'int32' : 'float32')]));
  const got = tf.engine().runKernel(kernel, tensors, attrs as never) as tf.Tensor | tf.Tensor[];
  const gotList = Array.isArray(got) ? got : [got];
  const plain = plainMemory();
  const host = hostKernels.find((k) => k.kernelName === kernel)!;
  const refs = host.run(Object.fromEntries(Object.entries(inputs).map(([k, [d, s]]) => [k, plain.info(d, s)])), attrs as never, plain.mem);
  expect(gotList.length).toBe(refs.length);
  gotList.forEach((t, o) => {
    const ref = plain.mem.view(refs[o]!) as Float32Array;
    expect(t.shape).toEqual(refs[o]!.shape);
    const data = t.dataSync();
    for (let i = 0; i < ref.length; i++) {
      const r = ref[i]!, g = data[i]!;
      if (!Number.isFinite(r)) expect(g, `${kernel} output ${o}[${i}]`).toBe(r);
      else expect(Math.abs(g - r), `${kernel} output ${o}[${i}]: ${g} vs ${r}`).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(r)));
    }
  });
  tf.dispose([...Object.values(tensors), ...gotList]);
}

describe('wasm SIMD kernels against core’s host kernels', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    // The kernels must really be the SIMD ones here, not the JavaScript fallback.
    expect(String(currentBackend().describe().details?.simdKernelsAttached)).toContain('LlmkitGelu');
  });
  const rng = new Rng(11);
  const normal = (n: number, scale = 1) => Float32Array.from(rng.normalArray(n), (v) => v * scale);

  for (const approximate of ['tanh', 'none']) {
    for (const n of [1, 3, 5, 4099]) {
      it(`gelu (${approximate}) forward and backward on ${n} values, |x| up to ~12`, () => {
        const x = normal(n, 4);
        if (n > 3) x.set([0, -0, 12, -12, 2, -2, 1.9999, 30, -30].slice(0, n));
        compare('LlmkitGelu', { x: [x, [n]] }, { approximate });
        compare('LlmkitGeluGrad', { dy: [normal(n), [n]], x: [x, [n]] }, { approximate });
      });
    }
  }

  for (const cols of [1, 3, 6, 13, 130]) {
    const rows = 7;
    it(`layerNorm forward and backward on [${rows}, ${cols}]`, () => {
      const x = normal(rows * cols, 3);
      const gamma = normal(cols), beta = normal(cols);
      compare('LlmkitLayerNorm', { x: [x, [rows, cols]], gamma: [gamma, [cols]], beta: [beta, [cols]] }, { epsilon: 1e-5 });
      const mean = new Float32Array(rows), rstd = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        const row = x.subarray(r * cols, (r + 1) * cols);
        const m = row.reduce((a, v) => a + v, 0) / cols;
        mean[r] = m;
        rstd[r] = 1 / Math.sqrt(row.reduce((a, v) => a + (v - m) ** 2, 0) / cols + 1e-5);
      }
      compare('LlmkitLayerNormGrad', { dy: [normal(rows * cols), [rows, cols]], x: [x, [rows, cols]], gamma: [gamma, [cols]], mean: [mean, [rows]], rstd: [rstd, [rows]] }, {});
    });

    it(`logSoftmax and softmax cross-entropy forward and backward on [${rows}, ${cols}], with -inf logits and an ignored row`, () => {
      const x = normal(rows * cols, 5);
      x[0] = -Infinity;
      if (cols > 2) x[cols + 2] = -Infinity;
      compare('LlmkitLogSoftmax', { x: [x, [rows, cols]] }, {});
      const y = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        const row = x.subarray(r * cols, (r + 1) * cols);
        const m = Math.max(...row);
        const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
        row.forEach((v, c) => (y[r * cols + c] = v - lse));
      }
      compare('LlmkitLogSoftmaxGrad', { dy: [normal(rows * cols), [rows, cols]], y: [y, [rows, cols]] }, {});
      const labels = Int32Array.from({ length: rows }, (_, r) => (r === 3 ? -100 : (r * 5 + 1) % cols));
      if (cols > 1) labels[0] = 1; // row 0's label 0 is -inf: an infinite loss; keep the loss finite
      compare('LlmkitSoftmaxCrossEntropy', { logits: [x, [rows, cols]], labels: [labels, [rows]] }, { ignoreIndex: -100 });
      const lse = new Float32Array(rows);
      for (let r = 0; r < rows; r++) lse[r] = x[r * cols]! - y[r * cols]!;
      lse[0] = x[1 % cols]! - y[1 % cols]!;
      compare('LlmkitSoftmaxCrossEntropyGrad', { logits: [x, [rows, cols]], labels: [labels, [rows]], lse: [lse, [rows]], dy: [Float32Array.of(0.7), []] }, { ignoreIndex: -100 });
    });
  }

  it('a label outside [0, V) is a ShapeError naming the row, and leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    const logits = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const labels = tf.tensor1d([0, 3], 'int32');
    expect(() => tf.engine().runKernel('LlmkitSoftmaxCrossEntropy', { logits, labels }, { ignoreIndex: -100 } as never)).toThrow(ShapeError);
    expect(() => tf.engine().runKernel('LlmkitSoftmaxCrossEntropy', { logits, labels }, { ignoreIndex: -100 } as never)).toThrow(/label 3 at row 1 is outside \[0, 3\)/);
    tf.dispose([logits, labels]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
