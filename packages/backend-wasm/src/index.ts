// @llmkit/backend-wasm: llmkit's fast CPU default — TensorFlow.js's WebAssembly backend (XNNPACK,
// SIMD) plus llmkit's fused host kernels and the kernels training needs that tfjs-wasm lacks.
// Importing it registers the backend as 'wasm'.
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { registerBackend, tf, type Backend, type BackendDescription } from '@llmkit/core';
import { hostKernelOverrides, hostKernels } from '@llmkit/core/kernels';
import { wasmMemory } from './memory.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** Kernels tfjs-wasm lacks that training needs (registered once, for the 'wasm' tfjs backend). */
const missingKernels = [unsortedSegmentSumConfig];
const kernels = hostKernelOverrides(hostKernels, wasmMemory);
let simd = false;

/**
 * The default backend: WebAssembly with SIMD, in Node and in browsers.
 *
 * ```ts
 * import '@llmkit/backend-wasm';
 * import { useBackend } from '@llmkit/core';
 * await useBackend('wasm');
 * ```
 */
export const wasmBackend: Backend = {
  name: 'wasm',
  tfjsBackend: 'wasm',
  priority: 10,
  kernels,
  async init() {
    for (const k of missingKernels) {
      if (tf.getKernel(k.kernelName, k.backendName) == null) tf.registerKernel(k);
    }
    simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  },
  describe(): BackendDescription {
    const threads = tfWasm.getThreadsCount();
    return {
      name: 'wasm',
      tfjsBackend: 'wasm',
      device: `CPU (WebAssembly${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'})`,
      fusedKernels: kernels.map((k) => k.kernelName),
      details: { simd, threads, addedKernels: missingKernels.map((k) => k.kernelName).join(',') },
    };
  },
};

registerBackend(wasmBackend);
