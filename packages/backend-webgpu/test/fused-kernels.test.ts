// The fused WGSL kernels (attention forward/backward, softmax cross-entropy forward/backward)
// against core's default composites on the same WebGPU device ('webgpu-unfused') and against the
// cpu backend, forward and gradients, on small random shapes (SwiftShader is a CPU emulating a
// GPU). fp32 tolerance: |a - b| <= 1e-4 + 1e-4 |b| (observed differences are ~1e-6: only the
// summation order differs). Skipped when no WebGPU adapter exists.
import { beforeAll, expect, it } from 'vitest';
import { Rng, scaledDotProductAttention, softmaxCrossEntropy, tf, type AttentionOptions } from '@llmkit/core';
import { expectClose as expectCloseTol, gaussian, use } from './fused-helpers.js';
import { describeWebGpu } from './gpu-env.js';

const TOL = { atol: 1e-4, rtol: 1e-4 };
const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, label: string) => expectCloseTol(actual, expected, label, TOL);
const randn = (rng: Rng, shape: number[]) => gaussian(rng, shape.reduce((a, d) => a * d, 1));

interface AttnCase {
  name: string;
  b: number;
  h: number;
  tq: number;
  tk: number;
  d: number;
  causal?: boolean;
  /** 'padding': [B, Tk] 0/1; 'broadcast': [1, 1, 1, Tk]; 'full': [B, 1, Tq, Tk] (not fused: falls back). */
  mask?: 'padding' | 'broadcast' | 'full' | 'row-all-masked';
  scale?: number;
  dropout?: number;
  /** Whether the fused forward handles it (saves lse rather than probs). */
  fused: boolean;
}

const attnCases: AttnCase[] = [
  { name: 'self-attention, no mask', b: 2, h: 2, tq: 8, tk: 8, d: 8, fused: true },
  { name: 'causal, Tq < Tk, D=6, padding mask', b: 2, h: 2, tq: 5, tk: 9, d: 6, causal: true, mask: 'padding', fused: true },
  { name: 'causal, Tq > Tk (rows that see no key), D=5', b: 1, h: 2, tq: 9, tk: 5, d: 5, causal: true, fused: true },
  { name: 'causal decoding step Tq=1, broadcast mask, scale 0.3', b: 2, h: 1, tq: 1, tk: 11, d: 7, causal: true, mask: 'broadcast', scale: 0.3, fused: true },
  { name: 'causal, T=70 (two row blocks), D=4', b: 1, h: 1, tq: 70, tk: 70, d: 4, causal: true, fused: true },
  { name: 'head dim 128, causal, padding', b: 1, h: 2, tq: 4, tk: 6, d: 128, causal: true, mask: 'padding', fused: true },
  { name: 'padding mask hiding every key of one batch row (uniform attention)', b: 2, h: 2, tq: 4, tk: 6, d: 8, mask: 'row-all-masked', fused: true },
  { name: 'causal, Tq > Tk, one batch row fully padded', b: 2, h: 1, tq: 7, tk: 4, d: 3, causal: true, mask: 'row-all-masked', fused: true },
  { name: 'fallback: dropout', b: 1, h: 2, tq: 6, tk: 6, d: 4, causal: true, dropout: 0.3, fused: false },
  { name: 'fallback: full [B,1,Tq,Tk] mask', b: 2, h: 1, tq: 3, tk: 5, d: 4, mask: 'full', fused: false },
];

interface AttnData {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  w: Float32Array;
  mask?: { data: Float32Array; shape: number[] };
}

function attnData(c: AttnCase, seed: number): AttnData {
  const rng = new Rng(seed);
  const data: AttnData = {
    q: randn(rng, [c.b, c.h, c.tq, c.d]),
    k: randn(rng, [c.b, c.h, c.tk, c.d]),
    v: randn(rng, [c.b, c.h, c.tk, c.d]),
    w: randn(rng, [c.b, c.h, c.tq, c.d]),
  };
  if (c.mask === 'padding' || c.mask === 'broadcast') {
    const rows = c.mask === 'padding' ? c.b : 1;
    const m = new Float32Array(rows * c.tk).fill(1);
    // Pad the tail of every row but the first (which keeps all keys); one row pads all but key 0.
    for (let r = 1; r < rows; r++) for (let j = Math.max(1, c.tk - 1 - 2 * r); j < c.tk; j++) m[r * c.tk + j] = 0;
    if (rows === 1) m[c.tk - 1] = 0;
    data.mask = { data: m, shape: c.mask === 'padding' ? [c.b, c.tk] : [1, 1, 1, c.tk] };
  } else if (c.mask === 'row-all-masked') {
    const m = new Float32Array(c.b * c.tk).fill(1);
    m.fill(0, c.tk, 2 * c.tk);
    m[c.tk - 1] = 0;
    data.mask = { data: m, shape: [c.b, c.tk] };
  } else if (c.mask === 'full') {
    const m = new Float32Array(c.b * c.tq * c.tk);
    for (let i = 0; i < m.length; i++) m[i] = (i * 7) % 5 === 0 ? 0 : 1;
    data.mask = { data: m, shape: [c.b, 1, c.tq, c.tk] };
  }
  return data;
}

/** y and the gradients of sum(y * w) with respect to q, k, v on the active backend. */
async function runAttention(c: AttnCase, data: AttnData): Promise<Float32Array[]> {
  const q = tf.tensor(data.q, [c.b, c.h, c.tq, c.d]);
  const k = tf.tensor(data.k, [c.b, c.h, c.tk, c.d]);
  const v = tf.tensor(data.v, [c.b, c.h, c.tk, c.d]);
  const w = tf.tensor(data.w, [c.b, c.h, c.tq, c.d]);
  const mask = data.mask ? tf.tensor(data.mask.data, data.mask.shape) : undefined;
  const opts = (): AttentionOptions => ({
    causal: c.causal ?? false,
    mask,
    scale: c.scale,
    dropout: c.dropout,
    rng: c.dropout ? new Rng(99) : undefined,
  });
  const y = scaledDotProductAttention(q, k, v, opts());
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(scaledDotProductAttention(a, b, d, opts()), w)))([q, k, v]);
  const out = (await Promise.all([y, ...grads].map((t) => t.data()))) as Float32Array[];
  tf.dispose([q, k, v, w, y, ...grads, ...(mask ? [mask] : [])]);
  return out;
}

const OUT_NAMES = ['y', 'dq', 'dk', 'dv'];

await describeWebGpu('fused attention (WGSL) vs default composite (same device) and cpu', () => {
  for (const [ci, c] of attnCases.entries()) {
    it(`${c.name}: B=${c.b} H=${c.h} Tq=${c.tq} Tk=${c.tk} D=${c.d}`, async () => {
      const data = attnData(c, 1000 + ci);
      await use('webgpu');
      const fused = await runAttention(c, data);
      await use('webgpu-unfused');
      const reference = await runAttention(c, data);
      await use('cpu');
      const cpu = await runAttention(c, data);
      for (let i = 0; i < 4; i++) {
        expectClose(fused[i]!, reference[i]!, `${OUT_NAMES[i]} fused vs unfused`);
        expectClose(fused[i]!, cpu[i]!, `${OUT_NAMES[i]} fused vs cpu`);
      }
    });
  }

  it('the fused forward saves lse [B,H,Tq] where it applies, probs [B,H,Tq,Tk] on fallbacks', async () => {
    await use('webgpu');
    for (const [ci, c] of attnCases.entries()) {
      const data = attnData(c, 1000 + ci);
      const outs = tf.tidy(() => {
        const q = tf.tensor(data.q, [c.b, c.h, c.tq, c.d]);
        const k = tf.tensor(data.k, [c.b, c.h, c.tk, c.d]);
        let mask: tf.Tensor = tf.scalar(0);
        if (data.mask) {
          const m = tf.tensor(data.mask.data, data.mask.shape);
          const m4 = m.rank === 2 ? tf.reshape(m, [c.b, 1, 1, c.tk]) : m;
          mask = tf.where(tf.notEqual(m4, 0), tf.zerosLike(m4), tf.fill(m4.shape, -1e9));
        }
        const dropMask = c.dropout ? tf.ones([c.b, c.h, c.tq, c.tk]) : tf.scalar(1);
        return tf.engine().runKernel('LlmkitAttention', { q, k, v: k, mask, dropMask }, { causal: c.causal ?? false, scale: 0.5 }) as tf.Tensor[];
      });
      expect(outs[1]!.shape, c.name).toEqual(c.fused ? [c.b, c.h, c.tq] : [c.b, c.h, c.tq, c.tk]);
      tf.dispose(outs);
    }
  });

  it('any pairing: default backward from the fused lse, fused backward from default probs', async () => {
    const c = attnCases[1]!;
    const data = attnData(c, 7);
    const shapeQ = [c.b, c.h, c.tq, c.d];
    const shapeK = [c.b, c.h, c.tk, c.d];
    const inputs = () => {
      const m = tf.reshape(tf.tensor(data.mask!.data, data.mask!.shape), [c.b, 1, 1, c.tk]);
      return {
        q: tf.tensor(data.q, shapeQ),
        k: tf.tensor(data.k, shapeK),
        v: tf.tensor(data.v, shapeK),
        mask: tf.where(tf.notEqual(m, 0), tf.zerosLike(m), tf.fill(m.shape, -1e9)),
        dropMask: tf.scalar(1),
        dy: tf.tensor(data.w, shapeQ),
      };
    };
    const attrs = { causal: true, scale: 0.4 };
    // Activates a backend and runs one attention forward+backward through the op, which registers
    // core's default kernels lazily on the unfused backend, so runKernel finds them.
    const activate = async (name: 'webgpu' | 'webgpu-unfused') => {
      await use(name);
      await runAttention(c, data);
    };
    const forward = (name: 'webgpu' | 'webgpu-unfused') =>
      activate(name).then(() =>
        tf.tidy(() => {
          const { q, k, v, mask, dropMask } = inputs();
          return tf.engine().runKernel('LlmkitAttention', { q, k, v, mask, dropMask }, attrs) as tf.Tensor[];
        }),
      );
    const backward = async (name: 'webgpu' | 'webgpu-unfused', y: tf.Tensor, stat: tf.Tensor) => {
      await activate(name);
      const gs = tf.tidy(() => {
        const { q, k, v, mask, dropMask, dy } = inputs();
        return tf.engine().runKernel('LlmkitAttentionGrad', { dy, q, k, v, stat, dropMask, y, mask }, attrs) as tf.Tensor[];
      });
      const out = (await Promise.all(gs.map((t) => t.data()))) as Float32Array[];
      tf.dispose(gs);
      return out;
    };
    const [yF, lse] = await forward('webgpu');
    const [yD, probs] = await forward('webgpu-unfused');
    expect(lse!.rank).toBe(3);
    expect(probs!.rank).toBe(4);
    const reference = await backward('webgpu-unfused', yD!, probs!);
    for (const [label, got] of [
      ['fused backward from lse', await backward('webgpu', yF!, lse!)],
      ['default backward from lse', await backward('webgpu-unfused', yF!, lse!)],
      ['fused backward from probs (fallback)', await backward('webgpu', yD!, probs!)],
    ] as const) {
      for (let i = 0; i < 3; i++) expectClose(got[i]!, reference[i]!, `${label}: ${OUT_NAMES[i + 1]}`);
    }
    tf.dispose([yF!, lse!, yD!, probs!]);
  });
});

interface CeCase {
  name: string;
  n: number;
  v: number;
  labels: (rng: Rng, n: number, v: number) => Int32Array;
  ignoreIndex?: number;
}

const ceCases: CeCase[] = [
  {
    name: 'ignored rows (-100)',
    n: 9,
    v: 50,
    labels: (rng, n, v) => Int32Array.from({ length: n }, (_, i) => (i % 3 === 1 ? -100 : Math.floor(rng.nextFloat() * v))),
  },
  {
    name: 'wide vocabulary, custom ignoreIndex 0',
    n: 33,
    v: 3001,
    ignoreIndex: 0,
    labels: (rng, n, v) => Int32Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 0 : 1 + Math.floor(rng.nextFloat() * (v - 1)))),
  },
  { name: 'every row ignored (loss 0, zero gradient)', n: 5, v: 17, labels: (_rng, n) => new Int32Array(n).fill(-100) },
  { name: 'V=2, labels at both edges', n: 4, v: 2, labels: () => Int32Array.from([0, 1, 1, 0]) },
];

async function runCe(c: CeCase, logitsData: Float32Array, labelsData: Int32Array): Promise<Float32Array[]> {
  const logits = tf.tensor(logitsData, [c.n, c.v]);
  const labels = tf.tensor(labelsData, [c.n], 'int32');
  const opts = c.ignoreIndex === undefined ? {} : { ignoreIndex: c.ignoreIndex };
  const f = (x: tf.Tensor) => tf.mul(softmaxCrossEntropy(x, labels, opts), 1.7);
  const { value, grads } = tf.valueAndGrads(f)([logits]);
  const out = (await Promise.all([value, grads[0]!].map((t) => t.data()))) as Float32Array[];
  tf.dispose([logits, labels, value, ...grads]);
  return out;
}

await describeWebGpu('fused softmax cross-entropy (WGSL) vs default composite (same device) and cpu', () => {
  it('a label outside [0, V) is a ShapeError when the labels are on the host, a NaN loss (never a clamped read) when only the GPU has them', async () => {
    await use('webgpu');
    const logits = tf.randomNormal([4, 5]);
    const labels = tf.tensor1d([0, 4, 5, -100], 'int32');
    expect(() => softmaxCrossEntropy(logits, labels)).toThrow(/label 5 at row 2 is outside \[0, 5\)/);
    const onGpu = tf.add(labels, tf.scalar(0, 'int32')); // computed on the GPU: no host copy to check
    const loss = softmaxCrossEntropy(logits, onGpu);
    expect((await loss.data())[0]).toBeNaN();
    tf.dispose([logits, labels, onGpu, loss]);
  });

  for (const [ci, c] of ceCases.entries()) {
    it(`${c.name}: N=${c.n} V=${c.v}`, async () => {
      const rng = new Rng(500 + ci);
      const logits = randn(rng, [c.n, c.v]).map((x) => 3 * x);
      const labels = c.labels(rng, c.n, c.v);
      await use('webgpu');
      const fused = await runCe(c, logits, labels);
      await use('webgpu-unfused');
      const reference = await runCe(c, logits, labels);
      await use('cpu');
      const cpu = await runCe(c, logits, labels);
      for (const [i, label] of ['loss', 'dlogits'].entries()) {
        expectClose(fused[i]!, reference[i]!, `${label} fused vs unfused`);
        expectClose(fused[i]!, cpu[i]!, `${label} fused vs cpu`);
      }
      if (labels.every((l) => l === (c.ignoreIndex ?? -100))) {
        expect(fused[0]![0]).toBe(0);
        expect(fused[1]!.every((g) => g === 0)).toBe(true);
      }
    });
  }
});

await describeWebGpu('fused kernels leak no tensors', () => {
  beforeAll(async () => {
    await use('webgpu');
  });

  it('repeated attention + cross-entropy forward and backward leave tf.memory() unchanged', async () => {
    const rng = new Rng(3);
    const q = tf.tensor(randn(rng, [2, 2, 6, 8]), [2, 2, 6, 8]);
    const k = tf.tensor(randn(rng, [2, 2, 6, 8]), [2, 2, 6, 8]);
    const v = tf.tensor(randn(rng, [2, 2, 6, 8]), [2, 2, 6, 8]);
    const mask = tf.tensor2d([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]]);
    const labels = tf.tensor1d([1, 2, -100, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7, 0], 'int32');
    const pass = async (dropout: number) => {
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
        const y = scaledDotProductAttention(a, b, c, { causal: true, mask, dropout, rng: dropout ? new Rng(1) : undefined });
        return softmaxCrossEntropy(tf.reshape(y, [24, 8]), labels);
      })([q, k, v]);
      await value.data();
      tf.dispose([value, ...grads]);
    };
    await pass(0);
    await pass(0.2);
    const before = tf.memory();
    for (let i = 0; i < 3; i++) {
      await pass(0);
      await pass(0.2);
    }
    const after = tf.memory();
    tf.dispose([q, k, v, mask, labels]);
    expect({ numTensors: after.numTensors, numBytes: after.numBytes }).toEqual({ numTensors: before.numTensors, numBytes: before.numBytes });
  });
});
