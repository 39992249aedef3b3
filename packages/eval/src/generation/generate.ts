// Sampling and greedy generation with the KV cache, batched over left-padded prompts, with
// streaming: one engine (decodeSteps) yields each step's tokens; generate, streamTokens and
// streamText consume it. Semantics follow HF's generate (_sample): processors see the whole padded
// row, finished rows are fed the pad token, a row stops at an eos/stop id (kept) or a stop string.
import { ConfigError, Rng, tf } from '@llmkit/core';
import type { KVCache } from '@llmkit/layers';
import { decoderLogits, inEvalMode, supportsPositionIds, type CausalLM } from './causal-lm.js';
import { checkLength, leftPad, promptRows, resolveOptions, type GenerateOptions, type ResolvedOptions, type TextCodec } from './options.js';
import { GreedySampler, MultinomialSampler, type Sampler } from './samplers.js';
import { TextStreamDecoder } from './text-stream.js';

export type Prompts = string | readonly number[] | readonly (string | readonly number[])[];

export interface GenerateResult {
  /** New tokens per prompt, up to and including the token that stopped it. */
  tokens: number[][];
  /** Prompt (unpadded) + new tokens, per prompt. */
  sequences: number[][];
  /** Why each row ended: a stop id/eos ('stop'), a stop string ('stop string') or maxNewTokens ('length'). */
  finishReasons: ('stop' | 'stop string' | 'length')[];
  /** The new tokens decoded, when a tokenizer was given. */
  text?: string[];
}

/** One decoding step: each row's new token, or null for a row that had already finished. */
type StepTokens = (number | null)[];

/** Last-position logits of a [B, T, V] forward as host rows. */
async function lastRows(logits: tf.Tensor): Promise<Float32Array[]> {
  const [b, t, v] = logits.shape as [number, number, number];
  const last = tf.tidy(() => tf.reshape(tf.slice(logits, [0, t - 1, 0], [b, 1, v]), [b, v]));
  logits.dispose();
  const data = (await last.data()) as Float32Array;
  last.dispose();
  return Array.from({ length: b }, (_, i) => data.slice(i * v, (i + 1) * v));
}

/** The engine: yields every step's tokens; `state` reports why rows finished. */
async function* decodeSteps(model: CausalLM, rows: number[][], o: ResolvedOptions, sampler: Sampler, state: { reasons: GenerateResult['finishReasons']; generated: number[][] }): AsyncGenerator<StepTokens> {
  const b = rows.length;
  const { ids, mask, positions, padded } = leftPad(rows, o.padTokenId);
  checkLength('generate', model, ids[0]!.length, o.maxNewTokens);
  if (padded && !supportsPositionIds(model)) {
    throw new ConfigError(`generate: prompts of different lengths need left padding and position ids, which this model does not take; pass prompts of equal length`);
  }
  const rng = new Rng(o.seed);
  const cache: KVCache = model.createCache();
  const full = ids.map((r) => [...r]); // HF's input_ids: padding and finished rows' pad tokens included
  const maskRows = mask.map((r) => [...r]);
  const lastPos = positions.map((p) => p[p.length - 1]!);
  const done = new Array<boolean>(b).fill(false);
  const decoders = o.stopStrings.length ? rows.map(() => new TextStreamDecoder(o.tokenizer as TextCodec)) : [];
  try {
    let logits = tf.tidy(() => {
      const inputIds = tf.tensor2d(ids, undefined, 'int32');
      const attentionMask = tf.tensor2d(mask, undefined, 'int32');
      return decoderLogits(model, inputIds, attentionMask, cache, padded ? tf.tensor2d(positions, undefined, 'int32') : undefined);
    });
    for (let step = 0; step < o.maxNewTokens; step++) {
      const scores = await lastRows(logits);
      const out: StepTokens = [];
      const next: number[] = [];
      for (let i = 0; i < b; i++) {
        if (done[i]) {
          out.push(null);
          next.push(o.padTokenId);
          continue;
        }
        const row = scores[i]!;
        for (const p of o.processors) p.process(row, full[i]!);
        const token = sampler.select(row, rng);
        out.push(token);
        next.push(token);
        state.generated[i]!.push(token);
        if (o.stopIds.has(token)) {
          done[i] = true;
          state.reasons[i] = 'stop';
        } else if (decoders.length) {
          decoders[i]!.push(token);
          if (o.stopStrings.some((s) => decoders[i]!.text.includes(s))) {
            done[i] = true;
            state.reasons[i] = 'stop string';
          }
        }
      }
      for (let i = 0; i < b; i++) {
        full[i]!.push(next[i]!);
        maskRows[i]!.push(1);
        lastPos[i]! += 1;
      }
      yield out;
      if (done.every(Boolean) || step === o.maxNewTokens - 1) break;
      logits = tf.tidy(() => {
        const inputIds = tf.tensor2d(next.map((t) => [t]), undefined, 'int32');
        const attentionMask = tf.tensor2d(maskRows, undefined, 'int32');
        return decoderLogits(model, inputIds, attentionMask, cache, padded ? tf.tensor2d(lastPos.map((p) => [p]), undefined, 'int32') : undefined);
      });
    }
  } finally {
    cache.dispose();
  }
}

function prepare(where: string, model: CausalLM, prompts: Prompts, options: GenerateOptions) {
  const o = resolveOptions(where, model, options);
  const rows = promptRows(where, prompts, o.tokenizer, model.config?.vocabSize);
  const sampler = o.doSample ? new MultinomialSampler() : new GreedySampler();
  const state = { reasons: rows.map(() => 'length' as GenerateResult['finishReasons'][number]), generated: rows.map(() => [] as number[]) };
  return { o, rows, sampler, state };
}

/**
 * Generates from one prompt or a batch (token ids, or text with `options.tokenizer`).
 *
 * ```ts
 * const { tokens, text } = await generate(gpt, 'Once upon a time', { tokenizer, maxNewTokens: 40, topP: 0.9, seed: 1 });
 * ```
 */
export async function generate(model: CausalLM, prompts: Prompts, options: GenerateOptions = {}): Promise<GenerateResult> {
  const { o, rows, sampler, state } = prepare('generate', model, prompts, options);
  await inEvalMode(model, async () => {
    for await (const _ of decodeSteps(model, rows, o, sampler, state));
  });
  const result: GenerateResult = { tokens: state.generated, sequences: rows.map((r, i) => [...r, ...state.generated[i]!]), finishReasons: state.reasons };
  if (o.tokenizer) result.text = state.generated.map((g) => o.tokenizer!.decode(g));
  return result;
}

/** Streams the new token ids of one prompt as they are chosen. */
export async function* streamTokens(model: CausalLM, prompt: string | readonly number[], options: GenerateOptions = {}): AsyncGenerator<number> {
  const { o, rows, sampler, state } = prepare('streamTokens', model, prompt, options);
  if (rows.length !== 1) throw new ConfigError(`streamTokens: takes one prompt; got ${rows.length} (use generate for a batch)`);
  const was = model.training;
  model.train?.(false);
  try {
    for await (const step of decodeSteps(model, rows, o, sampler, state)) if (step[0] !== null && step[0] !== undefined) yield step[0];
  } finally {
    if (was !== undefined) model.train?.(was);
  }
}

/**
 * Streams the generated text of one prompt in chunks that never split a character: bytes of an
 * unfinished UTF-8 sequence (a byte-level BPE token can end mid-character) wait for the next token.
 */
export async function* streamText(model: CausalLM, prompt: string | readonly number[], options: GenerateOptions & { tokenizer: TextCodec }): AsyncGenerator<string> {
  if (!options?.tokenizer) throw new ConfigError(`streamText: 'tokenizer' is required`);
  const decoder = new TextStreamDecoder(options.tokenizer);
  for await (const token of streamTokens(model, prompt, options)) {
    const chunk = decoder.push(token);
    if (chunk) yield chunk;
  }
  const rest = decoder.flush();
  if (rest) yield rest;
}
