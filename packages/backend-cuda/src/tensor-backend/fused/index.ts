// The fused kernels this backend installs over core's composite defaults (through Backend.kernels).
import type { KernelOverride } from '@llmkit/core';
import { adamwForward } from './adamw.js';
import { attentionBackward, attentionForward } from './attention.js';
import { crossEntropyBackward, crossEntropyForward } from './cross-entropy.js';
import { embeddingBackward, embeddingForward } from './embedding.js';
import { geluBackward, geluForward } from './gelu.js';
import { layerNormBackward, layerNormForward } from './layer-norm.js';
import { rmsNormBackward, rmsNormForward } from './rms-norm.js';

export const cudaFusedKernels: readonly KernelOverride[] = [
  { kernelName: 'LlmkitAttention', kernelFunc: attentionForward },
  { kernelName: 'LlmkitAttentionGrad', kernelFunc: attentionBackward },
  { kernelName: 'LlmkitLayerNorm', kernelFunc: layerNormForward },
  { kernelName: 'LlmkitLayerNormGrad', kernelFunc: layerNormBackward },
  { kernelName: 'LlmkitRmsNorm', kernelFunc: rmsNormForward },
  { kernelName: 'LlmkitRmsNormGrad', kernelFunc: rmsNormBackward },
  { kernelName: 'LlmkitGelu', kernelFunc: geluForward },
  { kernelName: 'LlmkitGeluGrad', kernelFunc: geluBackward },
  { kernelName: 'LlmkitEmbedding', kernelFunc: embeddingForward },
  { kernelName: 'LlmkitEmbeddingGrad', kernelFunc: embeddingBackward },
  { kernelName: 'LlmkitSoftmaxCrossEntropy', kernelFunc: crossEntropyForward },
  { kernelName: 'LlmkitSoftmaxCrossEntropyGrad', kernelFunc: crossEntropyBackward },
  { kernelName: 'LlmkitAdamW', kernelFunc: adamwForward },
];
