// @llmkit/core: the backend contract and registry, composite ops with gradients, seeded RNG and
// initializers, modules and safetensors I/O, over one shared TensorFlow.js engine.
export { tf } from './tf.js';
export * from './errors.js';
export type { Backend, BackendDescription, KernelOverride } from './backend/backend.js';
export { registerBackend, useBackend, currentBackend, listBackends, getBackend, ensureBackend, requireBackend } from './backend/registry.js';
export { compositeDefault, compositeKernelNames } from './ops/composite.js';
export { logSoftmax } from './ops/log-softmax.js';
export { softmaxCrossEntropy, type SoftmaxCrossEntropyOptions } from './ops/softmax-cross-entropy.js';
export { layerNorm, type LayerNormOptions } from './ops/layer-norm.js';
export { rmsNorm, type RmsNormOptions } from './ops/rms-norm.js';
export { gelu, type GeluOptions } from './ops/gelu.js';
export { scaledDotProductAttention, type AttentionOptions } from './ops/attention.js';
export { embedding } from './ops/embedding.js';
export { adamwUpdate, type AdamWUpdate, type AdamWUpdateOptions } from './ops/adamw.js';
export * from './module/index.js';
export * from './safetensors/index.js';
export * from './random/index.js';
// For llmkit's packages: Node detection and bundler-proof imports of Node builtins.
export { isNode, importBuiltin } from './runtime/node-builtins.js';
