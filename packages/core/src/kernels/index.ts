// @llmkit/core/kernels: fused host implementations of core's composite kernels, for backend
// packages whose tensors live in host memory (cpu, wasm). Users do not need this entry point.
import type { HostKernel } from './host-kernel.js';
import { layerNormGradHost, layerNormHost, rmsNormGradHost, rmsNormHost } from './norms.js';
import { geluGradHost, geluHost } from './gelu.js';
import {
  logSoftmaxGradHost,
  logSoftmaxHost,
  softmaxCrossEntropyGradHost,
  softmaxCrossEntropyHost,
} from './softmax.js';
import { embeddingGradHost, embeddingHost } from './embedding.js';

export type { HostArray, HostKernel, HostMemory } from './host-kernel.js';
export { hostKernelOverrides } from './host-kernel.js';
export { erf } from './gelu.js';

/** Every host kernel, in registration order. */
export const hostKernels: readonly HostKernel[] = [
  layerNormHost,
  layerNormGradHost,
  rmsNormHost,
  rmsNormGradHost,
  geluHost,
  geluGradHost,
  softmaxCrossEntropyHost,
  softmaxCrossEntropyGradHost,
  logSoftmaxHost,
  logSoftmaxGradHost,
  embeddingHost,
  embeddingGradHost,
];
