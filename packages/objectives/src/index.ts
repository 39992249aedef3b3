// @llmkit/objectives: what a model is trained to do. One small Objective interface (prepare on the
// host, loss on the device), causal and masked LM, sentence order, next sentence, and combine().
export {
  IGNORE_INDEX,
  type Objective,
  type Prepared,
  type HostTensor,
  type LossResult,
  type Model,
  type ModelInputs,
} from './objective.js';
export type { TokenBatch } from './token-batch.js';
export type { SegmentPair, PoolSegment, SentencePairBatch, PairLayoutOptions } from './sentence-pairs.js';
export { computeLoss, toTensor, toTensors } from './tensors.js';
export { CausalLM, type CausalLMOptions } from './causal-lm.js';
export { MaskedLM, wordPieceContinuation, type MaskedLMOptions } from './masked-lm.js';
export { SentenceOrder, type SentenceOrderOptions } from './sentence-order.js';
export { NextSentence, type NextSentenceOptions } from './next-sentence.js';
export { combine, CombinedObjective } from './combine.js';
export type { TokenizerIds } from './tokenizer-ids.js';
