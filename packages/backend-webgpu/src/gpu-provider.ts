// Where the GPU object comes from: `navigator.gpu` in browsers (and in any runtime that has one),
// otherwise Dawn through the npm package `webgpu`, an optional peer, in Node.
import { BackendError, isNode } from '@llmkit/core';

/** The parts of the WebGPU `GPU` interface llmkit uses (kept structural: Node has no DOM types). */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<unknown>;
}

interface NavigatorLike {
  gpu?: GpuLike;
}

// Dawn's GPU object must outlive every device it made: dropping it while the process runs on
// crashed Node at exit in most runs of a scratch test. It is kept here for the life of the process.
let dawnGpu: GpuLike | null = null;

/** Which runtime provided the GPU, for `describe()`. */
export type GpuSource = 'navigator.gpu' | 'dawn (npm webgpu)';

/**
 * Returns the runtime's `GPU`, installing Dawn's into `globalThis.navigator.gpu` in Node so that
 * TensorFlow.js (which reads `navigator.gpu` and uses `GPUBuffer` in `instanceof` checks) sees it.
 */
export async function getGpu(): Promise<{ gpu: GpuLike; source: GpuSource }> {
  const nav = (globalThis as { navigator?: NavigatorLike }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu, source: dawnGpu && nav.gpu === dawnGpu ? 'dawn (npm webgpu)' : 'navigator.gpu' };
  if (!isNode()) {
    throw new BackendError(
      'WebGPU is not available in this browser (navigator.gpu is undefined). Use a browser with WebGPU enabled ' +
        '(Chrome/Edge 113+, or Chromium with --enable-unsafe-webgpu), or pick another backend: useBackend("wasm").',
    );
  }
  let dawn: { create(flags: string[]): GpuLike; globals: Record<string, unknown> };
  try {
    // A variable specifier keeps bundlers from resolving the Node-only optional peer.
    const specifier = 'webgpu';
    dawn = (await import(/* @vite-ignore */ specifier)) as typeof dawn;
  } catch (cause) {
    throw new BackendError(
      'The webgpu backend in Node needs the optional peer `webgpu` (Dawn): `npm i webgpu`. ' +
        `Importing it failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  // tfjs checks `instanceof GPUBuffer` and reads GPUBufferUsage & co. from the global scope.
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) (globalThis as Record<string, unknown>)[name] = value;
  }
  dawnGpu = dawn.create([]);
  const gpu = dawnGpu;
  if (nav) {
    Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, enumerable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  return { gpu, source: 'dawn (npm webgpu)' };
}

/** Explains a missing adapter: in Node, most often no Vulkan driver (see DEVELOPERS.md). */
export async function noAdapterError(source: GpuSource): Promise<BackendError> {
  if (source === 'navigator.gpu') {
    return new BackendError(
      'navigator.gpu.requestAdapter() returned null: this browser exposes WebGPU but found no usable GPU ' +
        '(blocklisted driver, or headless without --enable-unsafe-webgpu). Pick another backend: useBackend("wasm").',
    );
  }
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const icd = env.VK_ICD_FILENAMES;
  let icdState = 'VK_ICD_FILENAMES is not set';
  if (icd) {
    // A variable specifier: bundlers must not pull node:fs into browser builds of this package.
    const fsModule = 'node:fs';
    const { existsSync } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs');
    const missing = icd.split(':').filter((f) => !existsSync(f));
    icdState = missing.length ? `VK_ICD_FILENAMES=${icd} names missing file(s): ${missing.join(', ')}` : `VK_ICD_FILENAMES=${icd}`;
  }
  return new BackendError(
    `Dawn found no WebGPU adapter (requestAdapter() returned null; ${icdState}). Dawn runs on Vulkan: install a GPU ` +
      'driver with Vulkan support, or, on a machine without a GPU, the software driver SwiftShader: ' +
      '`apt-get install chromium libvulkan1` and `export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json` ' +
      '(see DEVELOPERS.md). Or pick another backend: useBackend("wasm").',
  );
}
