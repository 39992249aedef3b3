// @llmkit/layers: Transformer layers as core Modules (embeddings, positions, attention with a KV
// cache, feed-forward, norms, blocks) and the models built from them (GPT, BERT, encoder-decoder,
// classification heads), with HF-compatible checkpoints.
export * from './config.js';
export { readTokenizerIds, type TokenizerIds, type ResolvedTokenizerIds } from './tokenizer-ids.js';
export { Linear, Conv1D, type LinearOptions } from './linear.js';
export { Dropout } from './dropout.js';
export { LayerNorm, RMSNorm, makeNorm, type NormOptions, type NormType } from './layer-norm.js';
export {
  TokenEmbedding,
  TokenTypeEmbedding,
  LearnedPositionEmbedding,
  SinusoidalPositionEmbedding,
  type EmbeddingOptions,
  type PositionEncoding,
  type SinusoidalOptions,
} from './embeddings.js';
export { RotaryEmbedding, type RotaryOptions } from './rotary.js';
export { MultiHeadAttention, KVCache, type AttentionLayout, type MultiHeadAttentionOptions, type AttentionInputs } from './attention.js';
export { FeedForward, activate, type Activation, type FeedForwardLayout, type FeedForwardOptions } from './feed-forward.js';
export { TransformerBlock, TransformerStack, type TransformerBlockOptions, type TransformerStackOptions, type BlockInputs } from './transformer-block.js';
export * from './models/backbone.js';
export * from './models/checkpoint.js';
export { savePretrained, loadPretrained, pretrainedFromTensors, type PretrainedFormat, type WeightShapes } from './models/pretrained.js';
export * from './models/gpt.js';
export * from './models/bert.js';
export * from './models/encoder-decoder.js';
export * from './models/heads.js';
