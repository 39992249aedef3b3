// The fused WGSL kernels this backend installs over core's composite defaults.
import type { KernelOverride } from '@llmkit/core';
import { attentionForwardKernel } from './attention-forward.js';
import { attentionBackwardKernel } from './attention-backward.js';
import { crossEntropyBackwardKernel, crossEntropyForwardKernel } from './cross-entropy.js';
import { layerNormBackwardKernel, layerNormForwardKernel } from './layer-norm.js';
import { rmsNormBackwardKernel, rmsNormForwardKernel } from './rms-norm.js';

export const webgpuKernels: readonly KernelOverride[] = [
  { kernelName: 'LlmkitAttention', kernelFunc: attentionForwardKernel },
  { kernelName: 'LlmkitAttentionGrad', kernelFunc: attentionBackwardKernel },
  { kernelName: 'LlmkitSoftmaxCrossEntropy', kernelFunc: crossEntropyForwardKernel },
  { kernelName: 'LlmkitSoftmaxCrossEntropyGrad', kernelFunc: crossEntropyBackwardKernel },
  { kernelName: 'LlmkitLayerNorm', kernelFunc: layerNormForwardKernel },
  { kernelName: 'LlmkitLayerNormGrad', kernelFunc: layerNormBackwardKernel },
  { kernelName: 'LlmkitRmsNorm', kernelFunc: rmsNormForwardKernel },
  { kernelName: 'LlmkitRmsNormGrad', kernelFunc: rmsNormBackwardKernel },
];
