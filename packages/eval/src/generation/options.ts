// Generation options (HF GenerationConfig's names in camelCase), their checks, and prompt handling:
// token ids or text (with a tokenizer), left padding, HF's position ids for padded rows.
import { ConfigError } from '@llmkit/core';
import type { CausalLM } from './causal-lm.js';
import { MinP, NoRepeatNGram, RepetitionPenalty, Temperature, TopK, TopP, type LogitsProcessor } from './logits-processors.js';

/** What generation needs from a tokenizer (layers-free; @llmkit/tokenizer's Tokenizer fits). */
export interface TextCodec {
  encodeIds(text: string): ArrayLike<number>;
  decode(ids: ArrayLike<number>, options?: { skipSpecialTokens?: boolean }): string;
}

export interface GenerateOptions {
  /** Tokens to add after the prompt (default 20). */
  maxNewTokens?: number;
  /** Sample instead of taking the argmax. Default: true when temperature, topK, topP or minP is set. */
  doSample?: boolean;
  /** Divides the scores before sampling (default 1). */
  temperature?: number;
  /** Keep only the k most likely tokens when sampling (default off; HF's GenerationConfig defaults to 50). */
  topK?: number;
  /** Nucleus sampling threshold (default off). */
  topP?: number;
  /** Min-p threshold relative to the most likely token (default off). */
  minP?: number;
  /** > 1 discourages tokens already in the row, prompt included (default 1 = off). */
  repetitionPenalty?: number;
  /** Never repeat an n-gram of this size (default off). */
  noRepeatNgramSize?: number;
  /** End-of-sequence id(s); default the model's `config.eosTokenId`. `null` disables. */
  eosTokenId?: number | readonly number[] | null;
  /** More ids that end a row (kept in the output, as the eos token). */
  stopTokenIds?: readonly number[];
  /** Strings that end a row once the generated text contains one (needs `tokenizer`). */
  stopStrings?: readonly string[];
  /** Filler for left padding and finished rows; default the model's pad id, else the first eos id, else 0. */
  padTokenId?: number;
  /** Seed of the sampler's Rng (default 0): the same seed gives the same tokens. */
  seed?: number;
  /** Encodes text prompts, decodes `text`, and checks stop strings. */
  tokenizer?: TextCodec;
}

export interface ResolvedOptions {
  maxNewTokens: number;
  doSample: boolean;
  processors: LogitsProcessor[];
  stopIds: Set<number>;
  eosIds: number[];
  stopStrings: string[];
  padTokenId: number;
  seed: number;
  tokenizer: TextCodec | undefined;
}

const nonNegInt = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;

export function resolveOptions(where: string, model: CausalLM, o: GenerateOptions): ResolvedOptions {
  if (o === null || typeof o !== 'object') throw new ConfigError(`${where}: options must be an object; got ${String(o)}`);
  const maxNewTokens = o.maxNewTokens ?? 20;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) throw new ConfigError(`${where}: 'maxNewTokens' must be a positive integer; got ${String(maxNewTokens)}`);
  const sampling = o.temperature !== undefined || o.topK !== undefined || o.topP !== undefined || o.minP !== undefined;
  const doSample = o.doSample ?? sampling;
  if (typeof doSample !== 'boolean') throw new ConfigError(`${where}: 'doSample' must be a boolean; got ${String(doSample)}`);
  if (!doSample && sampling && o.doSample === false) {
    throw new ConfigError(`${where}: 'temperature', 'topK', 'topP' and 'minP' only apply when sampling; got doSample false with them set`);
  }
  const processors: LogitsProcessor[] = [];
  if (o.repetitionPenalty !== undefined && o.repetitionPenalty !== 1) processors.push(new RepetitionPenalty(o.repetitionPenalty));
  if (o.noRepeatNgramSize !== undefined && o.noRepeatNgramSize !== 0) processors.push(new NoRepeatNGram(o.noRepeatNgramSize));
  if (doSample) {
    if (o.temperature !== undefined && o.temperature !== 1) processors.push(new Temperature(o.temperature));
    if (o.topK !== undefined && o.topK !== 0) processors.push(new TopK(o.topK));
    if (o.topP !== undefined) {
      const topP = new TopP(o.topP); // validates p, also when it is 1 (no filtering)
      if (o.topP < 1) processors.push(topP);
    }
    if (o.minP !== undefined) processors.push(new MinP(o.minP));
  }
  const vocab = model.config?.vocabSize;
  const checkId = (field: string, id: unknown) => {
    if (!nonNegInt(id) || (vocab !== undefined && (id as number) >= vocab)) {
      throw new ConfigError(`${where}: '${field}' must be a token id in [0, ${vocab ?? '∞'}); got ${String(id)}`);
    }
  };
  const eos = o.eosTokenId === undefined ? model.config?.eosTokenId ?? null : o.eosTokenId;
  const eosIds = eos === null ? [] : typeof eos === 'number' ? [eos] : [...eos];
  eosIds.forEach((id, i) => checkId(`eosTokenId${typeof eos === 'number' ? '' : `[${i}]`}`, id));
  const extra = o.stopTokenIds ?? [];
  if (!Array.isArray(extra)) throw new ConfigError(`${where}: 'stopTokenIds' must be an array of token ids; got ${typeof extra}`);
  extra.forEach((id, i) => checkId(`stopTokenIds[${i}]`, id));
  const stopStrings = o.stopStrings ?? [];
  if (!Array.isArray(stopStrings) || stopStrings.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new ConfigError(`${where}: 'stopStrings' must be an array of non-empty strings`);
  }
  if (stopStrings.length > 0 && !o.tokenizer) throw new ConfigError(`${where}: 'stopStrings' need a 'tokenizer' to decode the generated text`);
  const padTokenId = o.padTokenId ?? model.config?.padTokenId ?? eosIds[0] ?? 0;
  checkId('padTokenId', padTokenId);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ConfigError(`${where}: 'seed' must be an integer; got ${String(seed)}`);
  return { maxNewTokens, doSample, processors, stopIds: new Set([...eosIds, ...extra]), eosIds, stopStrings: [...stopStrings], padTokenId, seed, tokenizer: o.tokenizer };
}

/** Prompts as rows of ids: a string or ids is one prompt, an array of them a batch. */
export function promptRows(where: string, prompts: string | readonly number[] | readonly (string | readonly number[])[], tokenizer: TextCodec | undefined, vocab: number | undefined): number[][] {
  const isIds = (x: unknown): x is readonly number[] => Array.isArray(x) && x.every((v) => typeof v === 'number');
  const list: (string | readonly number[])[] = typeof prompts === 'string' || isIds(prompts) ? [prompts] : [...(prompts as (string | readonly number[])[])];
  if (list.length === 0) throw new ConfigError(`${where}: 'prompts' is empty`);
  return list.map((p, i) => {
    let ids: number[];
    if (typeof p === 'string') {
      if (!tokenizer) throw new ConfigError(`${where}: prompt ${i} is text; pass 'tokenizer' to encode it`);
      ids = Array.from(tokenizer.encodeIds(p));
    } else if (isIds(p)) ids = [...p];
    else throw new ConfigError(`${where}: prompt ${i} must be a string or an array of token ids`);
    if (ids.length === 0) throw new ConfigError(`${where}: prompt ${i} has no tokens`);
    ids.forEach((id, j) => {
      if (!nonNegInt(id) || (vocab !== undefined && id >= vocab)) throw new ConfigError(`${where}: prompt ${i} token ${j} must be an id in [0, ${vocab ?? '∞'}); got ${id}`);
    });
    return ids;
  });
}

/** Left-padded ids, the attention mask and HF's position ids (cumsum(mask) - 1, 1 on padding). */
export function leftPad(rows: number[][], pad: number): { ids: number[][]; mask: number[][]; positions: number[][]; padded: boolean } {
  const t = Math.max(...rows.map((r) => r.length));
  const ids = rows.map((r) => [...new Array<number>(t - r.length).fill(pad), ...r]);
  const mask = rows.map((r) => [...new Array<number>(t - r.length).fill(0), ...new Array<number>(r.length).fill(1)]);
  const positions = mask.map((m) => {
    let c = 0;
    return m.map((v) => (v ? c++ : 1));
  });
  return { ids, mask, positions, padded: rows.some((r) => r.length !== t) };
}

export function checkLength(where: string, model: CausalLM, promptLen: number, maxNewTokens: number): void {
  const n = model.config?.nPositions;
  if (n !== undefined && promptLen + maxNewTokens > n) {
    throw new ConfigError(`${where}: prompt (${promptLen} tokens) + 'maxNewTokens' (${maxNewTokens}) must fit the model's nPositions ${n}`);
  }
}
