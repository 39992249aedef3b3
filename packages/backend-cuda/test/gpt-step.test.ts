// A tiny GPT (layers' GPT, core's composite ops with their default implementations) trained for a
// few steps on 'cuda' — the CPU test double running the .cu kernels and the cuBLAS double — gives
// the losses and gradients tfjs-cpu gives: loss within 1e-5, every gradient within 1e-4 (float32
// sums in a different order), and leaves no tensor behind. Run with the fused LayerNorm and
// cross-entropy kernels (layer-norm.cu, softmax-cross-entropy.cu) and with core's compositions.
import { beforeAll, expect, it } from 'vitest';
import '@llmkit/backend-cpu';
import { softmaxCrossEntropy, tf, useBackend, type Backend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { testCudaBackend } from './kernel-harness.js';

const variants: Record<string, Backend> = {};
beforeAll(() => {
  for (const fused of [true, false]) variants[fused ? 'fused' : 'unfused'] = testCudaBackend({ name: fused ? 'cuda-test' : 'cuda-test-unfused', fused });
});

/** Three SGD steps on one batch: the losses and the first step's gradients. */
async function train(backend: Backend | string) {
  await useBackend(backend);
  const gpt = new GPT({ vocabSize: 24, nPositions: 16, nEmbd: 16, nLayer: 1, nHead: 2, seed: 1, residPdrop: 0, embdPdrop: 0, attnPdrop: 0 });
  const inputIds = tf.tensor2d([[5, 17, 4, 8, 3, 1], [2, 2, 9, 11, 0, 0]], [2, 6], 'int32');
  const attentionMask = tf.tensor2d([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]], [2, 6], 'int32');
  const labels = tf.tensor2d([[17, 4, 8, 3, 1, -100], [2, 9, 11, -100, -100, -100]], [2, 6], 'int32');
  const losses: number[] = [];
  // Variables are auto-named per model ('0', '1', … then '16', …): keep the gradients in creation order.
  const firstGrads: number[][] = [];
  const before = tf.memory().numTensors;
  for (let step = 0; step < 3; step++) {
    const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(gpt.forward({ inputIds, attentionMask }).logits, labels) as tf.Scalar);
    losses.push((await value.data())[0]!);
    if (step === 0) for (const g of Object.values(grads)) firstGrads.push(Array.from(await g.data()));
    for (const [name, g] of Object.entries(grads)) {
      const v = tf.engine().registeredVariables[name]!;
      const next = tf.tidy(() => tf.sub(v, tf.mul(g, 0.5)));
      v.assign(next); // the variable keeps its own reference to the data
      next.dispose();
    }
    tf.dispose([value, ...Object.values(grads)]);
  }
  const leaked = tf.memory().numTensors - before;
  tf.dispose([inputIds, attentionMask, labels]);
  gpt.dispose();
  return { losses, grads: firstGrads, leaked };
}

for (const variant of ['fused', 'unfused']) it(`tiny GPT, ${variant} composites: 3 SGD steps on 'cuda' (CPU double) match tfjs-cpu, losses and gradients, with no leak`, async () => {
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
  expect(cpu.leaked).toBe(0);
  expect(gpu.leaked).toBe(0);
});
