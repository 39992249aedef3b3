// Ready-made evaluation tasks for the runner: perplexity over the data's texts, text-generation
// metrics (BLEU, chrF, ROUGE, exact match) against references, and classification and tagging
// metrics from a prediction function or a classifier's logits.
import { ConfigError, tf } from '@llmkit/core';
import type { CausalLM } from '../generation/causal-lm.js';
import { generate } from '../generation/generate.js';
import type { GenerateOptions, TextCodec } from '../generation/options.js';
import { accuracy } from '../metrics/accuracy.js';
import { corpusBleu } from '../metrics/bleu.js';
import { corpusChrf } from '../metrics/chrf.js';
import { entityScores } from '../metrics/entities.js';
import { exactMatch } from '../metrics/exact-match.js';
import type { Label } from '../metrics/labels.js';
import { matthewsCorrcoef } from '../metrics/matthews.js';
import { precisionRecallFscore } from '../metrics/precision-recall-f1.js';
import { corpusRouge } from '../metrics/rouge.js';
import { perplexity, type PerplexityOptions } from '../perplexity/causal.js';
import type { EvalTask } from './evaluate.js';

function field<T>(where: string, example: unknown, i: number, key: string, check: (v: unknown) => boolean, expected: string): T {
  const v = (example as Record<string, unknown> | null)?.[key];
  if (!check(v)) throw new ConfigError(`${where}: 'data[${i}].${key}' must be ${expected}; got ${v === undefined ? 'nothing' : typeof v}`);
  return v as T;
}
const isString = (v: unknown) => typeof v === 'string';

/**
 * Perplexity of the data's `text` fields joined into one token stream (`separatorId` between them,
 * default the model's eos id when it has one), with bits per character and byte of the joined text.
 */
export function perplexityTask(options: PerplexityOptions & { name?: string; separatorId?: number | null } = {}): EvalTask<CausalLM, TextCodec, { text: string }> {
  const name = options.name ?? 'perplexity';
  return {
    name,
    async run({ model, tokenizer, data }) {
      if (!tokenizer) throw new ConfigError(`${name}: needs a 'tokenizer'`);
      const sep = options.separatorId === undefined ? model.config?.eosTokenId ?? null : options.separatorId;
      const ids: number[] = [];
      let text = '';
      data.forEach((ex, i) => {
        const t = field<string>(name, ex, i, 'text', isString, 'a string');
        if (i > 0 && sep !== null) ids.push(sep);
        ids.push(...Array.from(tokenizer.encodeIds(t)));
        text += t;
      });
      const r = await perplexity(model, ids, options);
      const bits = r.totalNll / Math.LN2;
      return { perplexity: r.perplexity, nll: r.nll, tokens: r.tokensScored, bitsPerCharacter: bits / Array.from(text).length, bitsPerByte: bits / new TextEncoder().encode(text).length };
    },
  };
}

export type GenerationMetric = 'bleu' | 'chrf' | 'rouge' | 'exactMatch';

/**
 * Generates from each example's `prompt` and scores the text against its `reference` (a string or
 * several): corpus BLEU and chrF (sacrebleu's defaults), mean ROUGE-1/2/L/Lsum F-measures, exact match.
 */
export function generationTask(options: Omit<GenerateOptions, 'tokenizer'> & { name?: string; metrics?: readonly GenerationMetric[]; batchSize?: number } = {}): EvalTask<CausalLM, TextCodec, { prompt: string | number[]; reference: string | string[] }> {
  const name = options.name ?? 'generation';
  const { metrics = ['bleu', 'chrf', 'rouge', 'exactMatch'], batchSize = 8, name: _, ...gen } = options;
  for (const m of metrics) if (!['bleu', 'chrf', 'rouge', 'exactMatch'].includes(m)) throw new ConfigError(`${name}: unknown metric '${m}'; expected 'bleu', 'chrf', 'rouge' or 'exactMatch'`);
  return {
    name,
    async run({ model, tokenizer, data }) {
      if (!tokenizer) throw new ConfigError(`${name}: needs a 'tokenizer' to decode the generated text`);
      const refs = data.map((ex, i) => field<string | string[]>(name, ex, i, 'reference', (v) => isString(v) || (Array.isArray(v) && v.length > 0 && v.every(isString)), 'a string or a non-empty array of strings'));
      const prompts = data.map((ex, i) => field<string | number[]>(name, ex, i, 'prompt', (v) => isString(v) || Array.isArray(v), 'a string or token ids'));
      const hyps: string[] = [];
      // Equal-length batches need no padding, so every model works; others are padded per batch.
      for (let s = 0; s < prompts.length; s += batchSize) {
        const r = await generate(model, prompts.slice(s, s + batchSize), { ...gen, tokenizer });
        hyps.push(...(r.text as string[]));
      }
      const out: Record<string, number> = {};
      if (metrics.includes('bleu')) out.bleu = corpusBleu(hyps, refs).score;
      if (metrics.includes('chrf')) out.chrf = corpusChrf(hyps, refs);
      if (metrics.includes('rouge')) for (const [k, v] of Object.entries(corpusRouge(hyps, refs))) out[k] = v.fmeasure;
      if (metrics.includes('exactMatch')) out.exactMatch = exactMatch(hyps, refs.map((r) => (typeof r === 'string' ? r : r[0]!)));
      return out;
    },
  };
}

/** A model whose forward returns class logits [B, C] (layers' SequenceClassifier). */
export interface SequenceClassifierLike {
  forward(inputs: { inputIds: tf.Tensor; attentionMask?: tf.Tensor }): { logits: tf.Tensor };
  readonly training?: boolean;
  train?(mode?: boolean): unknown;
}

/**
 * Accuracy, macro/micro/weighted F1 and Matthews correlation of predicted `label`s. Predictions come
 * from `predict(examples)` or, without it, from the argmax of a sequence classifier's logits on
 * each example's `text` (right-padded with `padTokenId`, default 0) mapped through `labels`.
 */
export function classificationTask<E extends { label: Label }>(options: { name?: string; predict?: (batch: readonly E[]) => Promise<Label[]> | Label[]; labels?: readonly Label[]; batchSize?: number; padTokenId?: number } = {}): EvalTask<SequenceClassifierLike, TextCodec, E> {
  const name = options.name ?? 'classification';
  const batchSize = options.batchSize ?? 16;
  return {
    name,
    async run({ model, tokenizer, data }) {
      const yTrue = data.map((ex, i) => field<Label>(name, ex, i, 'label', (v) => typeof v === 'number' || typeof v === 'string', 'a number or string label'));
      const yPred: Label[] = [];
      for (let s = 0; s < data.length; s += batchSize) {
        const batch = data.slice(s, s + batchSize);
        if (options.predict) {
          const p = await options.predict(batch);
          if (!Array.isArray(p) || p.length !== batch.length) throw new ConfigError(`${name}: 'predict' must return one label per example (${batch.length}); got ${Array.isArray(p) ? p.length : typeof p}`);
          yPred.push(...p);
          continue;
        }
        if (!tokenizer) throw new ConfigError(`${name}: needs 'predict' or a 'tokenizer' to encode each example's text`);
        const rows = batch.map((ex, j) => Array.from(tokenizer.encodeIds(field<string>(name, ex, s + j, 'text', isString, 'a string'))));
        const t = Math.max(...rows.map((r) => r.length));
        const pad = options.padTokenId ?? 0;
        const was = model.training;
        model.train?.(false);
        const argmax = tf.tidy(() => {
          const ids = tf.tensor2d(rows.map((r) => [...r, ...new Array<number>(t - r.length).fill(pad)]), undefined, 'int32');
          const mask = tf.tensor2d(rows.map((r) => [...new Array<number>(r.length).fill(1), ...new Array<number>(t - r.length).fill(0)]), undefined, 'int32');
          return tf.argMax(model.forward({ inputIds: ids, attentionMask: mask }).logits, -1);
        });
        if (was !== undefined) model.train?.(was);
        const idx = Array.from((await argmax.data()) as Int32Array);
        argmax.dispose();
        yPred.push(...idx.map((k) => (options.labels ? (options.labels[k] as Label) : k)));
      }
      const macro = precisionRecallFscore(yTrue, yPred, { average: 'macro' });
      return {
        accuracy: accuracy(yTrue, yPred),
        f1Macro: macro.f,
        precisionMacro: macro.precision,
        recallMacro: macro.recall,
        f1Weighted: precisionRecallFscore(yTrue, yPred, { average: 'weighted' }).f,
        mcc: matthewsCorrcoef(yTrue, yPred),
      };
    },
  };
}

/** Entity-level precision/recall/F1 (seqeval's default mode) of predicted `tags` per example. */
export function tokenClassificationTask<E extends { tags: string[] }>(options: { name?: string; predict: (batch: readonly E[]) => Promise<string[][]> | string[][]; batchSize?: number }): EvalTask<unknown, unknown, E> {
  const name = options?.name ?? 'entities';
  if (typeof options?.predict !== 'function') throw new ConfigError(`${name}: 'predict' (examples -> tags per token) is required`);
  const batchSize = options.batchSize ?? 16;
  return {
    name,
    async run({ data }) {
      const yTrue = data.map((ex, i) => field<string[]>(name, ex, i, 'tags', (v) => Array.isArray(v) && v.every(isString), 'an array of tag strings'));
      const yPred: string[][] = [];
      for (let s = 0; s < data.length; s += batchSize) yPred.push(...(await options.predict(data.slice(s, s + batchSize))));
      const r = entityScores(yTrue, yPred);
      return { precision: r.precision, recall: r.recall, f1: r.f1, entities: r.support };
    },
  };
}
