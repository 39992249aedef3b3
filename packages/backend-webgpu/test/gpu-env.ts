// The WebGPU environment of this package's Node tests, shared by every test file that needs a GPU:
// one adapter probe per test file, and what happens without an adapter. In CI (`CI` set) a missing
// adapter is a test failure that says why; on a developer's machine the GPU suites are skipped
// with a warning naming the reason and the fix. (vitest.config.ts points Vulkan at SwiftShader
// when Chromium's copy is installed.)
import { describe, it } from 'vitest';
import { getBackend, tf } from '@llmkit/core';
// The package's source, as every test file here imports it: one copy of the backend module (two
// would register 'webgpu' twice, on two devices), and the current source is what is tested.
import '../src/index.js';

export const INSTALL_HINT = 'apt-get install -y chromium libvulkan1';

export type GpuProbe = { available: true; device: string } | { available: false; reason: string };

let probe: Promise<GpuProbe> | undefined;

/**
 * Finds an adapter and device once (the webgpu backend's own `init()`, which `useBackend('webgpu')`
 * then reuses); never throws.
 */
export function probeWebGpu(): Promise<GpuProbe> {
  probe ??= (async (): Promise<GpuProbe> => {
    const backend = getBackend('webgpu');
    if (!backend) return { available: false, reason: "@llmkit/backend-webgpu did not register the 'webgpu' backend" };
    try {
      await backend.init();
      return { available: true, device: backend.describe().device };
    } catch (error) {
      return { available: false, reason: error instanceof Error ? error.message : String(error) };
    }
  })();
  return probe;
}

/**
 * `describe(name, body)` when there is a WebGPU adapter. Without one: in CI, a suite with one
 * failing test naming the reason; locally, the suite is skipped with a console warning.
 */
export async function describeWebGpu(name: string, body: () => void): Promise<void> {
  const p = await probeWebGpu();
  if (p.available) {
    describe(name, body);
    return;
  }
  const why = `no WebGPU adapter in Node: ${p.reason}`;
  if (process.env.CI) {
    describe(name, () => {
      it('has a WebGPU adapter (required in CI)', () => {
        throw new Error(`${why}\nCI must run the webgpu suites: install SwiftShader with \`${INSTALL_HINT}\` and set VK_ICD_FILENAMES (see .ci/run).`);
      });
    });
    return;
  }
  console.warn(`[backend-webgpu] skipping "${name}": ${why}\nTo run it on the CPU, install SwiftShader: \`${INSTALL_HINT}\`.`);
  describe.skip(`${name} (skipped: no WebGPU adapter; ${INSTALL_HINT})`, body);
}

/**
 * What every webgpu suite sets after `useBackend`: without it tfjs-webgpu runs ops on small
 * inputs on the CPU (tfjs-cpu's kernels), and the suite would not test the GPU's.
 */
export function gpuOnly(): void {
  tf.env().set('WEBGPU_CPU_FORWARD', false);
}
