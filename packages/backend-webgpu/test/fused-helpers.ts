// What the fused-kernel tests share: switching between the fused webgpu backend, core's
// compositions on the same device ('webgpu-unfused') and cpu; seeded Gaussian inputs (the same
// numbers on every backend); an elementwise tolerance check that names the worst element.
import { expect } from 'vitest';
import { type Rng, tf, useBackend } from '@llmkit/core';
import { createWebGpuBackend } from '../src/index.js';

export type Variant = 'webgpu' | 'webgpu-unfused' | 'cpu';

/** |a - b| <= atol + rtol * |b|, elementwise. */
export interface Tol {
  atol: number;
  rtol: number;
}

const unfused = createWebGpuBackend({ name: 'webgpu-unfused', fused: false });

/** Activates a variant; on webgpu, small ops stay on the GPU (WEBGPU_CPU_FORWARD off). */
export async function use(name: Variant): Promise<void> {
  await useBackend(name === 'webgpu-unfused' ? unfused : name);
  if (name !== 'cpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
}

/** Fails naming the element that exceeds the tolerance by the most (NaN counts as infinitely far). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, tol: Tol): void {
  expect(actual.length, label).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    const excess = Math.abs(a - b) - (tol.atol + tol.rtol * Math.abs(b));
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      at = i;
    }
  }
  if (at >= 0) expect.fail(`${label}: index ${at}: ${actual[at]} vs ${expected[at]} (tolerance exceeded by ${worst})`);
}

/** `n` normal samples (Box-Muller on the seeded generator). */
export function gaussian(rng: Rng, n: number, mean = 0, std = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(rng.nextFloat(), 1e-7);
    out[i] = mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
  }
  return out;
}
