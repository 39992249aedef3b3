// @llmkit/trainer: the pretraining loop.
export {};
// Data: sources, packing into blocks or segment pairs, split, shuffle, batches with exact resume.
export { DataError } from './data/errors.js';
export { expandFiles, globToRegExp, isGlob } from './data/glob.js';
export type { TextSource, TextPiece, SourcePosition } from './data/source.js';
export { textFiles, type TextFilesOptions } from './data/text-source.js';
export { jsonlFiles, type JsonlFilesOptions } from './data/jsonl-source.js';
export { parquetFiles, type ParquetFilesOptions } from './data/parquet-source.js';
export type { TextTokenizer } from './data/tokenize.js';
export type { SplitOptions } from './data/split.js';
// Batches are @llmkit/objectives' TokenBatch (packedBlocks) and SentencePairBatch (segmentPairs).
export type { BlockPackOptions } from './data/block-packer.js';
export type { PairPackOptions, PairItem } from './data/pair-packer.js';
export { DataPipeline, type PipelineOptions, type PipelineState } from './data/pipeline.js';
export { packedBlocks, segmentPairs, trainValidation, type PackedBlocksOptions, type SegmentPairsOptions } from './data/datasets.js';
export { TrainingDivergedError, type DivergedValue } from './errors.js';
export { type Schedule, type ScheduleLike, ConstantSchedule, FunctionSchedule, toSchedule } from './schedule/schedule.js';
export { CosineSchedule, LinearSchedule, type WarmupDecayOptions } from './schedule/warmup-decay.js';
export type { Optimizer, OptimizerState, NamedParameters, ParametersLike } from './optim/optimizer.js';
export { AdamW, type AdamWOptions } from './optim/adamw.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { isNoDecayParameter, DEFAULT_GROUPS, type ParameterGroup, type ParameterMatcher } from './optim/parameter-groups.js';
export { clipByGlobalNorm, clipByGlobalNormTensor, globalNorm, globalNormTensor } from './optim/clip.js';
export { GradientAccumulator } from './optim/accumulation.js';
export { DynamicLossScaler, allFinite, type LossScaler, type DynamicLossScalerOptions } from './optim/loss-scale.js';
export type { Callback, StepMetrics, EvalMetrics, CheckpointInfo, StopReason, TrainInfo, TrainerControl } from './callbacks/callback.js';
export { EarlyStopping, type EarlyStoppingOptions } from './callbacks/early-stopping.js';
export { MetricsLog } from './progress/metrics-log.js';
export { ProgressBar } from './progress/progress-bar.js';
export { Trainer, type TrainerOptions, type TrainableModel, type LogOptions, type FitResult } from './loop/trainer.js';
export { evaluate, type EvaluateOptions } from './loop/evaluate.js';
export type { Resumable, DataSource, EvalSource } from './loop/data-source.js';
export { checkpointName, resolveCheckpoint, writeCheckpointDir } from './checkpoint/checkpoint-dir.js';
export { saveTrainingCheckpoint, loadTrainingCheckpoint, readTrainerState, type TrainerState, type TokenizerLike, type CheckpointableModel } from './checkpoint/training-checkpoint.js';
export { moduleRngs, getModuleRngStates, setModuleRngStates } from './checkpoint/module-rngs.js';
