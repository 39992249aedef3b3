import { createWebGpuBackend } from '@llmkit/backend-webgpu';
import { useBackend, currentBackend } from '@llmkit/core';

// A variant with core's compositions instead of the fused kernels, e.g. to compare them.
await useBackend(createWebGpuBackend({ name: 'webgpu-unfused', fused: false }));
console.log(currentBackend().describe().fusedKernels); // []
