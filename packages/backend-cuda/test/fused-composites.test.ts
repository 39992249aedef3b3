// The fused RMSNorm, GELU and embedding overrides (rms-norm.cu, gelu.cu, gather.cu) against core's
// compositions, as gpt-step.test.ts checks the attention, LayerNorm and cross-entropy ones: a tiny
// decoder (embedding, a pre-RMSNorm TransformerBlock with exact GELU, causal attention with padding,
// a tied LM head) trained 3 SGD steps on 'cuda' (the CPU double) with the fused kernels and with
// core's compositions gives tfjs-cpu's losses (within 1e-5) and first-step gradients (within 1e-4,
// float32 sums in another order), leaves no tensor behind, and the fused run really runs the
// overrides: none of the tfjs kernels only their default compositions use.
import { beforeAll, expect, it } from 'vitest';
import '@llmkit/backend-cpu';
import { Rng, embedding, gelu, rmsNorm, softmaxCrossEntropy, tf, useBackend, type Backend } from '@llmkit/core';
import { TransformerBlock } from '@llmkit/layers';
import { recordKernels } from '@llmkit/testkit';
import { randomFloats, testCudaBackend } from './kernel-harness.js';

const variants: Record<string, Backend> = {};
beforeAll(() => {
  for (const fused of [true, false]) variants[fused ? 'fused' : 'unfused'] = testCudaBackend({ name: fused ? 'cuda-test' : 'cuda-test-unfused', fused });
});

// Run by the default compositions of LlmkitRmsNorm (Rsqrt), LlmkitGelu (Erf) and LlmkitEmbedding /
// ...Grad (GatherV2, UnsortedSegmentSum), and by nothing else in this model.
const DEFAULT_ONLY = ['Rsqrt', 'Erf', 'GatherV2', 'UnsortedSegmentSum'];

async function train(backend: Backend | string) {
  await useBackend(backend);
  const rng = new Rng(4);
  const wte = tf.variable(tf.tensor2d(rng.normalArray(20 * 16, 0, 0.5), [20, 16]), true, 'wte');
  const block = new TransformerBlock({ dModel: 16, numHeads: 2, dFF: 32, normType: 'rms', activation: 'gelu', causal: true, rng: new Rng(5) });
  const inputIds = tf.tensor2d([[5, 17, 4, 8, 3, 1], [2, 2, 9, 11, 0, 0]], [2, 6], 'int32');
  const mask = tf.tensor2d([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]], [2, 6]);
  const labels = tf.tensor2d([[17, 4, 8, 3, 1, -100], [2, 9, 11, -100, -100, -100]], [2, 6], 'int32');
  const loss = () =>
    tf.tidy(() => {
      const h = block.forward(embedding(wte, inputIds), { mask });
      const logits = tf.reshape(tf.matMul(tf.reshape(h, [12, 16]), wte, false, true), [2, 6, 20]);
      return softmaxCrossEntropy(logits, labels) as tf.Scalar;
    });
  const losses: number[] = [];
  const firstGrads: number[][] = [];
  const kernels = new Set<string>();
  const before = tf.memory().numTensors;
  for (let step = 0; step < 3; step++) {
    const { value, grads } = await recordKernels(kernels, () => tf.variableGrads(loss));
    losses.push((await value.data())[0]!);
    if (step === 0) for (const g of Object.values(grads)) firstGrads.push(Array.from(await g.data()));
    for (const [name, g] of Object.entries(grads)) {
      const v = tf.engine().registeredVariables[name]!;
      const next = tf.tidy(() => tf.sub(v, tf.mul(g, 0.5)));
      v.assign(next);
      next.dispose();
    }
    tf.dispose([value, ...Object.values(grads)]);
  }
  const leaked = tf.memory().numTensors - before;
  tf.dispose([inputIds, mask, labels, wte]);
  block.dispose();
  return { losses, grads: firstGrads, leaked, kernels };
}

for (const variant of ['fused', 'unfused']) {
  it(`RMSNorm + GELU + embedding decoder, ${variant} composites: 3 SGD steps on 'cuda' (CPU double) match tfjs-cpu, with no leak`, async () => {
    const cpu = await train('cpu');
    const gpu = await train(variants[variant]!);
    expect(tf.getBackend()).toBe('cuda');
    expect(cpu.losses[2]!).toBeLessThan(cpu.losses[0]!); // it trains
    for (let i = 0; i < 3; i++) expect(Math.abs(gpu.losses[i]! - cpu.losses[i]!), `step ${i}`).toBeLessThanOrEqual(1e-5);
    expect(gpu.grads.map((g) => g.length)).toEqual(cpu.grads.map((g) => g.length));
    cpu.grads.forEach((g, k) => {
      const diff = g.reduce((m, v, i) => Math.max(m, Math.abs(v - gpu.grads[k]![i]!)), 0);
      expect(diff, `gradient ${k}`).toBeLessThanOrEqual(1e-4);
    });
    expect(gpu.leaked).toBe(0);
    const ran = DEFAULT_ONLY.filter((n) => gpu.kernels.has(n));
    if (variant === 'fused') expect(ran, 'tfjs kernels of the default compositions the fused run used').toEqual([]);
    else expect(ran).toEqual(DEFAULT_ONLY);
  });
}

/** rmsNorm over 150 rows (three 64-row splits of the dgamma sum), GELU in both forms on [-4, 4), an embedding with repeated ids: values and gradients. */
async function ops(backend: Backend | string) {
  await useBackend(backend);
  const r = (shape: number[], seed: number, scale = 1) => tf.tensor(randomFloats(shape.reduce((a, b) => a * b, 1), seed, scale), shape);
  const x = r([3, 50, 24], 1, 2), gamma = r([24], 2), w = r([3, 50, 24], 3);
  const g = r([40, 5], 4, 4), gw = r([40, 5], 5);
  const table = r([9, 6], 6), ids = tf.tensor2d([[1, 8, 1, 0], [3, 3, 3, 7]], [2, 4], 'int32'), ew = r([2, 4, 6], 7);
  const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, e: tf.Tensor) =>
    tf.addN([tf.sum(tf.mul(rmsNorm(a, b), w)), tf.sum(tf.mul(gelu(c), gw)), tf.sum(tf.mul(gelu(c, { approximate: 'tanh' }), tf.neg(gw))), tf.sum(tf.mul(embedding(e, ids), ew))]);
  const before = tf.memory().numTensors;
  const { value, grads } = tf.valueAndGrads(f)([x, gamma, g, table]);
  const out = { value: (await value.data())[0]!, grads: await Promise.all(grads.map(async (t) => Array.from(await t.data()))) };
  tf.dispose([value, ...grads]);
  const leaked = tf.memory().numTensors - before;
  tf.dispose([x, gamma, w, g, gw, table, ids, ew]);
  return { ...out, leaked };
}

it('fused rmsNorm (150 rows), GELU (erf and tanh on [-4, 4)) and embedding equal tfjs-cpu, values within 1e-4 and gradients within 1e-5', async () => {
  const cpu = await ops('cpu');
  const gpu = await ops(variants.fused!);
  expect(tf.getBackend()).toBe('cuda');
  // The value sums ~3600 products of magnitude ~1; the gradients are elementwise or sums of <= 150 terms.
  expect(Math.abs(gpu.value - cpu.value)).toBeLessThanOrEqual(1e-4);
  cpu.grads.forEach((g, k) => {
    const diff = g.reduce((m, v, i) => Math.max(m, Math.abs(v - gpu.grads[k]![i]!)), 0);
    expect(diff, `gradient of input ${k}`).toBeLessThanOrEqual(1e-5);
  });
  expect(gpu.leaked).toBe(0);
});

it("the fused embedding rejects an id outside [0, V) with core's ShapeError, before any launch", async () => {
  await useBackend(variants.fused!);
  const w = tf.zeros([4, 3]);
  const ids = tf.tensor2d([[1, 4]], [1, 2], 'int32');
  expect(() => embedding(w, ids)).toThrow(/embedding: id 4 at position 1 is outside \[0, 4\)/);
  tf.dispose([w, ids]);
});
