// The pipelines a trainer uses, by objective: packed token rows for causal and masked LM, segment
// pairs for sentence order and next sentence prediction; and both parts of a train/validation split.
import type { SentencePairBatch, TokenBatch } from '@llmkit/objectives';
import type { BlockPackOptions } from './block-packer.js';
import { BlockPacker } from './block-packer.js';
import type { PairPackOptions } from './pair-packer.js';
import { PairPacker } from './pair-packer.js';
import { DataPipeline, type PipelineOptions } from './pipeline.js';
import type { SplitOptions } from './split.js';
import { idsFunction, type TextTokenizer } from './tokenize.js';

/** Options of {@link packedBlocks}. */
export interface PackedBlocksOptions extends PipelineOptions, BlockPackOptions {
  tokenizer: TextTokenizer;
}

/** Options of {@link segmentPairs}. */
export interface SegmentPairsOptions extends PipelineOptions, PairPackOptions {
  tokenizer: TextTokenizer;
}

/**
 * Token rows of `blockSize` packed from a corpus (HF's group_texts), in `TokenBatch`es of
 * `batchSize` rows for `CausalLM` or `MaskedLM`.
 *
 * ```ts
 * const data = packedBlocks({
 *   source: textFiles('input.txt'), tokenizer, blockSize: 65, batchSize: 16,
 *   shuffleBuffer: 1000, seed: 1, epochs: Infinity, split: { part: 'train', fraction: 0.1, by: 'block' },
 * });
 * for await (const batch of data) clm.prepare(batch);       // { batchSize: 16, length: 65, inputIds: Int32Array }
 * ```
 */
export function packedBlocks(options: PackedBlocksOptions): DataPipeline<TokenBatch> {
  const packer = new BlockPacker(options, idsFunction('packedBlocks', options.tokenizer));
  return new DataPipeline('packedBlocks', options, packer);
}

/**
 * Pairs of consecutive segments of one document (lines are the sentences), in batches `{ pairs }`
 * for `SentenceOrder` or `NextSentence`; cut to fit `maxLength` with the three special tokens.
 *
 * ```ts
 * const data = segmentPairs({ source: textFiles('books/*.txt', { sampleBy: 'paragraph' }), tokenizer, maxLength: 128, batchSize: 32 });
 * for await (const batch of data) sop.prepare(batch, rng);
 * ```
 */
export function segmentPairs(options: SegmentPairsOptions): DataPipeline<SentencePairBatch> {
  const packer = new PairPacker(options, idsFunction('segmentPairs', options.tokenizer));
  return new DataPipeline('segmentPairs', options, packer);
}

/**
 * The train and validation pipelines of one corpus: the same options with `split.part` set to each.
 * Validation keeps corpus order and one pass unless `validationOptions` say otherwise.
 *
 * ```ts
 * const { train, validation } = trainValidation(packedBlocks, { ...options, shuffleBuffer: 1000, epochs: Infinity }, { fraction: 0.1, by: 'block' });
 * ```
 */
export function trainValidation<O extends PipelineOptions, B>(
  make: (options: O) => DataPipeline<B>,
  options: O,
  split: Omit<SplitOptions, 'part'>,
  validationOptions: Partial<PipelineOptions> = { shuffleBuffer: 0, epochs: 1, dropLast: false },
): { train: DataPipeline<B>; validation: DataPipeline<B> } {
  return {
    train: make({ ...options, split: { ...split, part: 'train' } }),
    validation: make({ ...options, ...validationOptions, split: { ...split, part: 'validation' } }),
  };
}
