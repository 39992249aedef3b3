// Segment pairs in, `[CLS] A [SEP] B [SEP]` rows out: the batch layout that SentenceOrder and
// NextSentence share, with token types, padding and the special-tokens mask MaskedLM reads next.
import { ConfigError } from '@llmkit/core';
import { checkInteger, describe } from './checks.js';
import type { HostTensor } from './objective.js';
import { readTokenizerIds, requireId, type TokenizerIds } from './tokenizer-ids.js';

/** Two consecutive segments of one document, as token ids without special tokens. */
export interface SegmentPair {
  readonly a: ArrayLike<number>;
  readonly b: ArrayLike<number>;
  /** Which document they come from (NextSentence needs it to draw a segment from another one). */
  readonly document?: number;
}

/** A segment that NextSentence may draw as a random second segment. */
export interface PoolSegment {
  readonly ids: ArrayLike<number>;
  readonly document: number;
}

/** The batch SentenceOrder and NextSentence take. */
export interface SentencePairBatch {
  readonly pairs: readonly SegmentPair[];
  /** NextSentence's random segments (default: every segment of `pairs`); SentenceOrder ignores it. */
  readonly pool?: readonly PoolSegment[];
}

/** How pairs become rows; shared options of SentenceOrder and NextSentence. */
export interface PairLayoutOptions {
  /** Id of `[CLS]`, the first token of every row. */
  clsTokenId: number;
  /** Id of `[SEP]`, after each segment. */
  sepTokenId: number;
  /** Id that fills padding (default 0, BERT's `[PAD]`). */
  padTokenId?: number;
  /**
   * Row length: longer pairs are cut to fit and every row is padded to it (a fixed shape). Default:
   * no cut, padded to the longest row of the batch.
   */
  maxLength?: number;
}

export type PairLayout = Required<Omit<PairLayoutOptions, 'maxLength'>> & { maxLength: number | undefined };

export function readPairLayout(where: string, options: PairLayoutOptions): PairLayout {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(`${where}: options must be an object with clsTokenId and sepTokenId, got ${describe(options)}`);
  }
  return {
    clsTokenId: checkInteger(where, 'clsTokenId', options.clsTokenId, 0),
    sepTokenId: checkInteger(where, 'sepTokenId', options.sepTokenId, 0),
    padTokenId: checkInteger(where, 'padTokenId', options.padTokenId ?? 0, 0),
    // Three special tokens and at least one token of each segment.
    maxLength: options.maxLength === undefined ? undefined : checkInteger(where, 'maxLength', options.maxLength, 5),
  };
}

/**
 * The row layout's ids from `tokenizer.tokenIds()`: `[CLS]`, `[SEP]` and `[PAD]`, all required
 * (a padded row needs a pad id that is a real token of the vocabulary, not a default 0).
 */
export function pairLayoutFromTokenizer(where: string, ids: TokenizerIds): Pick<PairLayoutOptions, 'clsTokenId' | 'sepTokenId' | 'padTokenId'> {
  const t = readTokenizerIds(where, ids);
  return { clsTokenId: requireId(where, t, 'clsTokenId', 'cls'), sepTokenId: requireId(where, t, 'sepTokenId', 'sep'), padTokenId: requireId(where, t, 'padTokenId', 'pad') };
}

export function checkSegment(where: string, field: string, ids: unknown): ArrayLike<number> {
  if (!(ArrayBuffer.isView(ids) || Array.isArray(ids))) {
    throw new ConfigError(`${where}: '${field}' must be an array of token ids, got ${describe(ids)}`);
  }
  const arr = ids as ArrayLike<number>;
  if (arr.length === 0) throw new ConfigError(`${where}: '${field}' must hold at least one token id, got none`);
  for (let i = 0; i < arr.length; i++) {
    const id = arr[i]!;
    if (!Number.isInteger(id) || id < 0) throw new ConfigError(`${where}: '${field}[${i}]' must be a token id >= 0, got ${id}`);
  }
  return arr;
}

export function readPairs(where: string, batch: SentencePairBatch): readonly SegmentPair[] {
  if (typeof batch !== 'object' || batch === null || !Array.isArray(batch.pairs)) {
    throw new ConfigError(`${where}: 'batch' must be { pairs: [{ a, b }, …] }, got ${describe(batch)}${batch && !Array.isArray((batch as SentencePairBatch).pairs) ? ' without a pairs array' : ''}`);
  }
  if (batch.pairs.length === 0) throw new ConfigError(`${where}: 'batch.pairs' must hold at least one pair, got none`);
  batch.pairs.forEach((p, k) => {
    if (typeof p !== 'object' || p === null) throw new ConfigError(`${where}: 'batch.pairs[${k}]' must be { a, b }, got ${describe(p)}`);
    checkSegment(where, `batch.pairs[${k}].a`, p.a);
    checkSegment(where, `batch.pairs[${k}].b`, p.b);
  });
  return batch.pairs;
}

/**
 * How many tokens of each segment fit in `budget`: the longer one loses a token until they fit,
 * so both keep at least one when `budget >= 2`.
 */
function fit(la: number, lb: number, budget: number): [number, number] {
  while (la + lb > budget) {
    if (la > lb) la--;
    else lb--;
  }
  return [la, lb];
}

/**
 * Rows `[CLS] first [SEP] second [SEP]`, padded. A cut keeps the tokens next to the junction of the
 * *original* order (the end of `a`, the start of `b`), decided before any swap, so which tokens
 * survive never tells a model which label a row has.
 */
export function layoutPairs(
  layout: PairLayout,
  segments: readonly { a: ArrayLike<number>; b: ArrayLike<number>; swap: boolean }[],
): { inputs: Record<string, HostTensor>; specialTokensMask: Uint8Array } {
  const budget = layout.maxLength === undefined ? Infinity : layout.maxLength - 3;
  const kept = segments.map(({ a, b }) => fit(a.length, b.length, budget));
  const length = layout.maxLength ?? Math.max(...kept.map(([la, lb]) => la + lb + 3));
  const n = segments.length * length;
  const inputIds = new Int32Array(n).fill(layout.padTokenId);
  const attentionMask = new Int32Array(n);
  const tokenTypeIds = new Int32Array(n);
  const specialTokensMask = new Uint8Array(n).fill(1);
  segments.forEach(({ a, b, swap }, row) => {
    const [la, lb] = kept[row]!;
    const aKept = Array.prototype.slice.call(a, a.length - la) as number[];
    const bKept = Array.prototype.slice.call(b, 0, lb) as number[];
    const [first, second] = swap ? [bKept, aKept] : [aKept, bKept];
    const at = row * length;
    const tokens = [layout.clsTokenId, ...first, layout.sepTokenId, ...second, layout.sepTokenId];
    inputIds.set(tokens, at);
    attentionMask.fill(1, at, at + tokens.length);
    tokenTypeIds.fill(1, at + first.length + 2, at + tokens.length);
    specialTokensMask.fill(0, at + 1, at + 1 + first.length);
    specialTokensMask.fill(0, at + first.length + 2, at + tokens.length - 1);
  });
  const shape = [segments.length, length];
  return {
    inputs: {
      inputIds: { shape, values: inputIds },
      attentionMask: { shape, values: attentionMask },
      tokenTypeIds: { shape, values: tokenTypeIds },
    },
    specialTokensMask,
  };
}
