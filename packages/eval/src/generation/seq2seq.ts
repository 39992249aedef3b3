// Generation for encoder-decoder models (layers' EncoderDecoder): the source is encoded once, then
// the decoder generates from [decoderStartTokenId] with the same engines as causal models (greedy,
// sampling, beam search), through a view of the decoder that holds the encoder output — repeated
// per beam as HF's _expand_inputs_for_generation does, so beam search's cache reordering (cross
// attention keys included) stays within a source's beams.
import { ConfigError, tf } from '@llmkit/core';
import type { KVCache } from '@llmkit/layers';
import { beamSearch, type Beam, type BeamSearchOptions } from './beam-search.js';
import type { CausalLM } from './causal-lm.js';
import { generate, type GenerateResult, type Prompts } from './generate.js';
import { promptRows, type GenerateOptions, type TextCodec } from './options.js';

/** An encoder-decoder model as layers' EncoderDecoder is one (structural). */
export interface Seq2SeqLM {
  encode(inputs: { inputIds: tf.Tensor; attentionMask?: tf.Tensor }): tf.Tensor;
  forward(inputs: { inputIds: tf.Tensor; attentionMask?: tf.Tensor; decoderInputIds: tf.Tensor; decoderAttentionMask?: tf.Tensor; encoderHiddenStates?: tf.Tensor; cache?: KVCache }): { logits: tf.Tensor };
  createCache(): KVCache;
  readonly config: { vocabSize: number; maxPositionEmbeddings?: number; padTokenId?: number | null; bosTokenId?: number | null; eosTokenId?: number | null };
  readonly training?: boolean;
  train?(mode?: boolean): unknown;
}

export interface Seq2SeqOptions {
  /** The decoder's first input (HF's decoder_start_token_id). Default: the model's bos id, else its pad id. */
  decoderStartTokenId?: number;
}

/** Sources (token ids, or text with `tokenizer`), right-padded with the pad id (0 without one) and masked. */
function sourceBatch(where: string, model: Seq2SeqLM, sources: Prompts, tokenizer: TextCodec | undefined): { ids: number[][]; mask: number[][] } {
  const rows = promptRows(where, sources, tokenizer, model.config.vocabSize);
  const t = Math.max(...rows.map((r) => r.length));
  const limit = model.config.maxPositionEmbeddings;
  if (limit !== undefined && t > limit) throw new ConfigError(`${where}: a source has ${t} tokens; the model's maxPositionEmbeddings is ${limit}`);
  const pad = model.config.padTokenId ?? 0;
  return {
    ids: rows.map((r) => [...r, ...new Array<number>(t - r.length).fill(pad)]),
    mask: rows.map((r) => [...new Array<number>(r.length).fill(1), ...new Array<number>(t - r.length).fill(0)]),
  };
}

function startToken(where: string, model: Seq2SeqLM, options: Seq2SeqOptions): number {
  const start = options.decoderStartTokenId ?? model.config.bosTokenId ?? model.config.padTokenId;
  if (start === null || start === undefined) throw new ConfigError(`${where}: 'decoderStartTokenId' is required; the model has no bos or pad token id`);
  if (!Number.isInteger(start) || start < 0 || start >= model.config.vocabSize) {
    throw new ConfigError(`${where}: 'decoderStartTokenId' must be an integer in [0, ${model.config.vocabSize}); got ${String(start)}`);
  }
  return start;
}

/**
 * The decoder as a causal LM over a fixed, already encoded batch of sources: row r of a call reads
 * source floor(r / repeat). Holds the encoder output until `dispose`.
 */
export class EncodedDecoder implements CausalLM {
  private readonly states: tf.Tensor;
  private readonly mask: tf.Tensor;
  readonly config: CausalLM['config'];

  constructor(
    readonly model: Seq2SeqLM,
    sourceIds: number[][],
    sourceMask: number[][],
    readonly repeat = 1,
  ) {
    const expand = (rows: number[][]) => rows.flatMap((r) => Array.from({ length: repeat }, () => r));
    this.mask = tf.tensor2d(expand(sourceMask), undefined, 'int32');
    this.states = tf.tidy(() => model.encode({ inputIds: tf.tensor2d(expand(sourceIds), undefined, 'int32'), attentionMask: this.mask }));
    const c = model.config;
    this.config = { nPositions: c.maxPositionEmbeddings, eosTokenId: c.eosTokenId, padTokenId: c.padTokenId, bosTokenId: c.bosTokenId, vocabSize: c.vocabSize };
  }

  get training(): boolean | undefined {
    return this.model.training;
  }

  train(mode?: boolean): unknown {
    return this.model.train?.(mode);
  }

  forward(inputs: { inputIds: tf.Tensor; attentionMask?: tf.Tensor; cache?: KVCache }): { logits: tf.Tensor } {
    const rows = inputs.inputIds.shape[0];
    if (rows !== this.states.shape[0]) throw new ConfigError(`EncodedDecoder.forward: ${rows} decoder rows for ${this.states.shape[0]} encoded sources`);
    return { logits: this.model.forward({ inputIds: inputs.inputIds, attentionMask: this.mask, decoderInputIds: inputs.inputIds, decoderAttentionMask: inputs.attentionMask, encoderHiddenStates: this.states, cache: inputs.cache }).logits };
  }

  createCache(): KVCache {
    return this.model.createCache();
  }

  dispose(): void {
    tf.dispose([this.states, this.mask]);
  }
}

/**
 * Greedy or sampled generation from each source's encoding (`generate`'s options: maxNewTokens,
 * sampling, processors, stop ids and strings). `sequences` start with the decoder start token.
 *
 * ```ts
 * const { tokens } = await generateSeq2Seq(transformer, [sourceIds], { maxNewTokens: 20 });
 * ```
 */
export async function generateSeq2Seq(model: Seq2SeqLM, sources: Prompts, options: GenerateOptions & Seq2SeqOptions = {}): Promise<GenerateResult> {
  const where = 'generateSeq2Seq';
  const { decoderStartTokenId, ...rest } = options;
  const start = startToken(where, model, { decoderStartTokenId });
  const { ids, mask } = sourceBatch(where, model, sources, options.tokenizer);
  const decoder = new EncodedDecoder(model, ids, mask);
  try {
    return await generate(decoder, ids.map(() => [start]), rest);
  } finally {
    decoder.dispose();
  }
}

/**
 * Beam search from each source's encoding (`beamSearch`'s options). Beams' `tokens` exclude the
 * decoder start token; scores divide by the generated length as HF's encoder-decoder beam search.
 */
export async function beamSearchSeq2Seq(model: Seq2SeqLM, sources: Prompts, options: BeamSearchOptions & Seq2SeqOptions = {}): Promise<Beam[][]> {
  const where = 'beamSearchSeq2Seq';
  const { decoderStartTokenId, ...rest } = options;
  const start = startToken(where, model, { decoderStartTokenId });
  const { ids, mask } = sourceBatch(where, model, sources, options.tokenizer);
  const numBeams = options.numBeams ?? 4;
  if (!Number.isInteger(numBeams) || numBeams < 1) throw new ConfigError(`${where}: 'numBeams' must be a positive integer; got ${String(numBeams)}`);
  const decoder = new EncodedDecoder(model, ids, mask, numBeams);
  try {
    return await beamSearch(decoder, ids.map(() => [start]), rest);
  } finally {
    decoder.dispose();
  }
}
