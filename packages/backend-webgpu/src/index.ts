// @llmkit/backend-webgpu: TensorFlow.js's WebGPU backend — in browsers on navigator.gpu, in Node
// on Dawn (the optional peer `webgpu`) — with fused WGSL kernels for attention, softmax
// cross-entropy, LayerNorm and RMSNorm. Importing it registers the backend as 'webgpu'.
import '@tensorflow/tfjs-backend-webgpu';
import { registerBackend, type Backend, type BackendDescription } from '@llmkit/core';
import { registerWebGpuBackend, type WebGpuDeviceInfo } from './device.js';
import { webgpuKernels } from './kernels/index.js';
import { addNKernel } from './fixes/add-n.js';

export { probeWebGpu, type WebGpuProbe } from './probe.js';

let info: WebGpuDeviceInfo | null = null;

/** Options of `createWebGpuBackend`. */
export interface WebGpuBackendOptions {
  /** llmkit name (default `'webgpu'`). */
  name?: string;
  /** Register the fused WGSL kernels (default true); false runs core's composite defaults. */
  fused?: boolean;
  /** Adapter preference (default `'high-performance'`). */
  powerPreference?: 'low-power' | 'high-performance';
}

/**
 * Builds a webgpu backend; the package registers `createWebGpuBackend()` as 'webgpu' on import.
 *
 * ```ts
 * import { createWebGpuBackend } from '@llmkit/backend-webgpu';
 * import { useBackend } from '@llmkit/core';
 * await useBackend(createWebGpuBackend({ name: 'webgpu-unfused', fused: false }));
 * ```
 */
export function createWebGpuBackend(options: WebGpuBackendOptions = {}): Backend {
  const name = options.name ?? 'webgpu';
  // Corrections of tfjs-webgpu kernels apply to every variant; the fused kernels only when asked.
  const fixes = [{ kernelName: 'AddN', kernelFunc: addNKernel }];
  const kernels = options.fused === false ? fixes : [...fixes, ...webgpuKernels];
  return {
    name,
    tfjsBackend: 'webgpu',
    priority: 20,
    kernels,
    async init() {
      info ??= await registerWebGpuBackend(options.powerPreference ?? 'high-performance');
    },
    describe(): BackendDescription {
      const d = info;
      return {
        name,
        tfjsBackend: 'webgpu',
        device: d ? [d.vendor, d.architecture, d.description].filter(Boolean).join(' ') + ` (WebGPU via ${d.source})` : 'WebGPU (not initialised)',
        fusedKernels: kernels.filter((k) => k.kernelName.startsWith('Llmkit')).map((k) => k.kernelName),
        details: d ? { source: d.source, maxBufferSize: d.maxBufferSize, maxStorageBufferBindingSize: d.maxStorageBufferBindingSize } : {},
      };
    },
  };
}

/**
 * The WebGPU backend.
 *
 * ```ts
 * import '@llmkit/backend-webgpu';
 * import { useBackend } from '@llmkit/core';
 * await useBackend('webgpu');
 * ```
 */
export const webgpuBackend: Backend = createWebGpuBackend();
registerBackend(webgpuBackend);
