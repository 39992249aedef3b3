// The one-line swap on the Trainer: the same script (a tiny GPT, CausalLM, AdamW with weight decay,
// clipping at norm 1, two micro-batches per step, then evaluation) on tfjs-cpu and on 'cuda' — the
// CPU test double — gives the same losses and gradient norms within 1e-4 (float32 sums in another
// order), and every tfjs kernel the run uses has a 'cuda' kernel (recorded on cpu).
// The trainer is loaded by name at run time, as backend-webgpu's kernel-coverage test does:
// @llmkit/trainer's tests depend on backends, so a devDependency here would make a build cycle;
// `npm test` builds it first.
import { expect, it } from 'vitest';
import '@llmkit/backend-cpu';
import { Rng, tf, useBackend, type Backend, type Module } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { CausalLM } from '@llmkit/objectives';
import { cudaKernelConfigs } from '../src/tensor-backend/kernels/index.js';
import { testCudaBackend } from './kernel-harness.js';

interface TrainerModule {
  Trainer: new (options: Record<string, unknown>) => { step(batch: unknown): Promise<{ loss: number; gradNorm: number }>; evaluate(data: unknown): Promise<{ loss: number }> };
  AdamW: new (model: Module, options?: Record<string, unknown>) => { dispose(): void };
}

async function run(backend: Backend | string, trainer: TrainerModule, kernels?: Set<string>) {
  await useBackend(backend);
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const original = engine.runKernel;
  if (kernels) {
    engine.runKernel = function runKernel(this: unknown, name: string, ...rest: unknown[]) {
      kernels.add(name);
      return original.call(this, name, ...rest);
    };
  }
  const rng = new Rng(7);
  const batch = (padded: boolean) => {
    const inputIds = new Int32Array(16), attentionMask = new Int32Array(16);
    for (let i = 0; i < 16; i++) {
      const keep = !padded || i % 8 < 6;
      inputIds[i] = keep ? 1 + rng.nextInt(23) : 0;
      attentionMask[i] = keep ? 1 : 0;
    }
    return { inputIds, attentionMask, batchSize: 2, length: 8 };
  };
  const model = new GPT({ vocabSize: 24, nPositions: 16, nEmbd: 16, nLayer: 1, nHead: 2, seed: 3, residPdrop: 0, embdPdrop: 0, attnPdrop: 0 });
  const optimizer = new trainer.AdamW(model, { lr: 1e-2, weightDecay: 0.1 });
  try {
    const t = new trainer.Trainer({ model, objective: new CausalLM(), optimizer, clipNorm: 1, log: false });
    const steps = [];
    const before = tf.memory().numTensors;
    // The same two micro-batches every step, so the loss must fall.
    const micro = [batch(true), batch(false)];
    const held = batch(true);
    for (let s = 0; s < 3; s++) steps.push(await t.step(micro));
    const evalLoss = (await t.evaluate([held])).loss;
    return { steps, evalLoss, leaked: tf.memory().numTensors - before };
  } finally {
    if (kernels) delete (engine as Partial<typeof engine>).runKernel;
    optimizer.dispose();
    model.dispose();
  }
}

it("Trainer (AdamW, clipping, accumulation, evaluation): 'cuda' on the CPU double matches tfjs-cpu and covers every kernel", async () => {
  const spec = '@llmkit/trainer';
  const trainer = (await import(/* @vite-ignore */ spec)) as TrainerModule;
  const used = new Set<string>();
  const cpu = await run('cpu', trainer, used);
  const cuda = await run(testCudaBackend({ name: 'cuda-test' }), trainer);
  expect(tf.getBackend()).toBe('cuda');
  const have = new Set(cudaKernelConfigs.map((k) => k.kernelName));
  expect([...used].filter((n) => !n.startsWith('Llmkit') && !have.has(n)), 'tfjs kernels without a cuda kernel').toEqual([]);
  expect(cpu.steps[2]!.loss).toBeLessThan(cpu.steps[0]!.loss);
  cpu.steps.forEach((s, i) => {
    expect(Math.abs(cuda.steps[i]!.loss - s.loss), `loss, step ${i}`).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(cuda.steps[i]!.gradNorm - s.gradNorm), `grad norm, step ${i}`).toBeLessThanOrEqual(1e-4);
  });
  expect(Math.abs(cuda.evalLoss - cpu.evalLoss)).toBeLessThanOrEqual(1e-4);
  expect(cuda.leaked).toBe(cpu.leaked);
});
