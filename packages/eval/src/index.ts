// @llmkit/eval: metrics equal to the reference implementations (scikit-learn, sacrebleu, seqeval,
// rouge-score), text generation over layers' models with the KV cache, perplexity, and an evaluation runner.
export { type Label } from './metrics/labels.js';
export { accuracy, type AccuracyOptions } from './metrics/accuracy.js';
export { precisionRecallFscore, precision, recall, f1, type Average, type PrecisionRecallOptions, type PrecisionRecallResult } from './metrics/precision-recall-f1.js';
export { confusionMatrix, type ConfusionMatrixOptions } from './metrics/confusion-matrix.js';
export { matthewsCorrcoef } from './metrics/matthews.js';
export { exactMatch, type ExactMatchOptions } from './metrics/exact-match.js';
export { corpusBleu, sentenceBleu, tokenize13a, type BleuOptions, type BleuScore, type BleuSmoothing } from './metrics/bleu.js';
export { corpusChrf, sentenceChrf, type ChrfOptions } from './metrics/chrf.js';
export { getEntities, entityScores, type Entity, type EntityOptions, type EntityScoreOptions, type EntityScores } from './metrics/entities.js';
export { rougeScore, corpusRouge, rougeTokenize, type RougeKey, type RougeOptions, type RougeScore } from './metrics/rouge.js';
export { generate, streamTokens, streamText, type GenerateResult, type Prompts } from './generation/generate.js';
export { beamSearch, type Beam, type BeamSearchOptions } from './generation/beam-search.js';
export { type GenerateOptions, type TextCodec } from './generation/options.js';
export { RepetitionPenalty, NoRepeatNGram, Temperature, TopK, TopP, MinP, type LogitsProcessor } from './generation/logits-processors.js';
export { GreedySampler, MultinomialSampler, type Sampler } from './generation/samplers.js';
export { TextStreamDecoder } from './generation/text-stream.js';
export { ReorderableKVCache } from './generation/beam-cache.js';
export { decoderLogits, supportsPositionIds, type CausalLM } from './generation/causal-lm.js';
export { perplexity, textPerplexity, type PerplexityOptions, type PerplexityResult, type TextPerplexityResult } from './perplexity/causal.js';
export { pseudoPerplexity, type MaskedLM, type PseudoPerplexityOptions, type PseudoPerplexityResult } from './perplexity/pseudo.js';
export { evaluate, type EvalContext, type EvalTask, type EvaluateOptions, type EvaluationResult } from './runner/evaluate.js';
export { perplexityTask, generationTask, classificationTask, tokenClassificationTask, type GenerationMetric, type SequenceClassifierLike } from './runner/tasks.js';
export { evaluationCallback, type EvaluationCallback, type EvaluationCallbackOptions } from './runner/callback.js';
export { attentionMaps } from './analysis/attention-maps.js';
export { MagnitudePruner, type MagnitudePruningOptions, type Parameterized } from './analysis/pruning.js';
export { porterStem } from './metrics/porter-stemmer.js';
export { strictEntities, type TaggingScheme } from './metrics/strict-entities.js';
