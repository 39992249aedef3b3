// The one-line backend swap: the same script (swap-script.ts) trains a tiny GPT on every backend
// this machine has, from one seed, and every backend gives cpu's losses and gradient norms.
// webgpu runs when an adapter exists (in CI: Dawn on SwiftShader, which .ci/run installs); in CI
// a missing adapter is a failure, elsewhere the webgpu case is skipped with the reason.
import { beforeAll, describe, expect, it } from 'vitest';
import '@llmkit/backend-cpu';
import '@llmkit/backend-wasm';
import { probeWebGpu } from '@llmkit/backend-webgpu';
import { trainTinyGPT, type SwapRun } from './swap-script.js';

// fp32 with different reduction orders (XNNPACK's GEMM, WGSL kernels): per-step losses agree to
// ~1e-6 at first; six AdamW steps with clipping amplify that to ~1e-5.
const LOSS_TOLERANCE = 1e-4;
const NORM_RTOL = 1e-3;

function maxAbsDiff(a: number[], b: number[]): number {
  return Math.max(...a.map((x, i) => Math.abs(x - (b[i] as number))));
}

describe('one-line backend swap: the same script and seed give the same losses on every backend', () => {
  let reference: SwapRun;
  beforeAll(async () => {
    reference = await trainTinyGPT('cpu');
  }, 120_000);

  it('cpu trains: the loss falls, nothing leaks', () => {
    expect(reference.losses).toHaveLength(6);
    expect(reference.losses.at(-1)!).toBeLessThan(reference.losses[0]! - 0.05);
    expect(reference.leaked).toBe(0);
  });

  it('cpu twice: identical losses (the seed fixes init, data order and dropout)', async () => {
    const again = await trainTinyGPT('cpu');
    expect(again.losses).toEqual(reference.losses);
  });

  it(`wasm: losses within ${LOSS_TOLERANCE} of cpu, gradient norms within rtol ${NORM_RTOL}`, async () => {
    const run = await trainTinyGPT('wasm');
    expect(run.leaked).toBe(0);
    expect(maxAbsDiff(run.losses, reference.losses)).toBeLessThan(LOSS_TOLERANCE);
    run.gradNorms.forEach((g, i) => expect(Math.abs(g - reference.gradNorms[i]!)).toBeLessThan(NORM_RTOL * reference.gradNorms[i]!));
  });

  it(`webgpu: losses within ${LOSS_TOLERANCE} of cpu, gradient norms within rtol ${NORM_RTOL}`, async (ctx) => {
    const probe = await probeWebGpu();
    if (!probe.available) {
      if (process.env.CI) throw new Error(`CI must run the webgpu swap case, but: ${probe.reason}`);
      console.warn(`webgpu swap case skipped: ${probe.reason}`);
      ctx.skip();
      return;
    }
    const run = await trainTinyGPT('webgpu');
    expect(run.leaked).toBe(0);
    expect(maxAbsDiff(run.losses, reference.losses)).toBeLessThan(LOSS_TOLERANCE);
    run.gradNorms.forEach((g, i) => expect(Math.abs(g - reference.gradNorms[i]!)).toBeLessThan(NORM_RTOL * reference.gradNorms[i]!));
  }, 300_000);
});
