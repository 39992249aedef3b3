// The fused WGSL kernels this backend installs over core's composite defaults.
import type { KernelOverride } from '@llmkit/core';
import { attentionForwardKernel } from './attention-forward.js';
import { attentionBackwardKernel } from './attention-backward.js';
import { crossEntropyBackwardKernel, crossEntropyForwardKernel } from './cross-entropy.js';

export const webgpuKernels: readonly KernelOverride[] = [
  { kernelName: 'LlmkitAttention', kernelFunc: attentionForwardKernel },
  { kernelName: 'LlmkitAttentionGrad', kernelFunc: attentionBackwardKernel },
  { kernelName: 'LlmkitSoftmaxCrossEntropy', kernelFunc: crossEntropyForwardKernel },
  { kernelName: 'LlmkitSoftmaxCrossEntropyGrad', kernelFunc: crossEntropyBackwardKernel },
];
