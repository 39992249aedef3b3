// The fused multi-tensor AdamW (adamw.cu's adamw_update) behind core's LlmkitAdamW: over four
// parameters (one empty, one without decay, one past a block of threads) and three steps, on 'cuda'
// (the CPU double) it gives the bits of core's default composition on tfjs-cpu and on the double,
// in one launch instead of the default's tfjs kernels, with no leak. The Trainer on top of it is
// trainer-swap.test.ts.
import { beforeAll, expect, it } from 'vitest';
import '@llmkit/backend-cpu';
import { adamwUpdate, tf, useBackend, type Backend } from '@llmkit/core';
import { recordKernels } from '@llmkit/testkit';
import { randomFloats, testCudaBackend } from './kernel-harness.js';

const variants: Record<string, Backend> = {};
beforeAll(() => {
  for (const fused of [true, false]) variants[fused ? 'fused' : 'unfused'] = testCudaBackend({ name: fused ? 'cuda-test' : 'cuda-test-unfused', fused });
});

const SHAPES = [[5], [0, 3], [3, 70], [1]];
const LR = 1e-2, WD = [0.1, 0.1, 0, 0.5], B1 = 0.9, B2 = 0.999, EPS = 1e-8;

/** Three AdamW updates of four parameters; their values after each step, and the kernels it ran. */
async function run(backend: Backend | string) {
  await useBackend(backend);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  let p = SHAPES.map((s, i) => tf.tensor(randomFloats(size(s), 10 + i), s));
  let m = SHAPES.map((s) => tf.zeros(s)), v = SHAPES.map((s) => tf.zeros(s));
  const g = SHAPES.map((s, i) => tf.tensor(randomFloats(size(s), 20 + i, 3), s));
  const kernels = new Set<string>();
  const before = tf.memory().numTensors;
  const steps: number[][][] = [];
  for (let t = 1; t <= 3; t++) {
    const next = await recordKernels(kernels, () =>
      adamwUpdate(p, g, m, v, { beta1: B1, beta2: B2, eps: EPS, stepSize: LR / (1 - B1 ** t), bias2Sqrt: Math.sqrt(1 - B2 ** t), decayFactors: WD.map((wd) => 1 - LR * wd) }),
    );
    tf.dispose([...p, ...m, ...v]);
    ({ params: p, expAvg: m, expAvgSq: v } = next);
    steps.push(await Promise.all([...p, ...m, ...v].map(async (x) => Array.from(await x.data()))));
  }
  const leaked = tf.memory().numTensors - before;
  tf.dispose([...p, ...m, ...v, ...g]);
  return { steps, kernels, leaked };
}

it("LlmkitAdamW on 'cuda' (fused, one launch) has the bits of core's default on tfjs-cpu and on the double, over 3 steps", async () => {
  const cpu = await run('cpu');
  const fused = await run(variants.fused!);
  const unfused = await run(variants.unfused!);
  expect(tf.getBackend()).toBe('cuda');
  expect(fused.steps).toEqual(cpu.steps);
  expect(unfused.steps).toEqual(cpu.steps);
  expect(cpu.steps[2]![0]).not.toEqual(cpu.steps[0]![0]); // the parameters move
  // The fused kernel replaces the default's elementwise kernels (Sqrt, RealDiv, ...) entirely.
  expect([...fused.kernels]).toEqual(['LlmkitAdamW']);
  expect(unfused.kernels).toContain('Sqrt');
  expect(fused.leaked).toBe(0);
  expect(unfused.leaked).toBe(0);
});
