// The vocabulary size and special-token ids a tokenizer reports (`tokenizer.tokenIds()` in
// @llmkit/tokenizer; the same shape as @llmkit/layers' TokenizerIds), declared here by shape so
// that objectives take them without importing the tokenizer.
import { ConfigError } from '@llmkit/core';
import { describe } from './checks.js';

/** What `tokenizer.tokenIds()` returns; a field is absent (or null) when the tokenizer has no such token. */
export interface TokenizerIds {
  readonly vocabSize: number;
  readonly padTokenId?: number | null;
  readonly unkTokenId?: number | null;
  readonly bosTokenId?: number | null;
  readonly eosTokenId?: number | null;
  readonly clsTokenId?: number | null;
  readonly sepTokenId?: number | null;
  readonly maskTokenId?: number | null;
}

export const SPECIAL_ID_KEYS = ['padTokenId', 'unkTokenId', 'bosTokenId', 'eosTokenId', 'clsTokenId', 'sepTokenId', 'maskTokenId'] as const;
export type SpecialIdKey = (typeof SPECIAL_ID_KEYS)[number];

/** Checked ids: vocabSize a positive integer, each present id in [0, vocabSize), absent ones null. */
export function readTokenizerIds(where: string, ids: TokenizerIds): { vocabSize: number } & Record<SpecialIdKey, number | null> {
  if (typeof ids !== 'object' || ids === null || Array.isArray(ids)) {
    throw new ConfigError(`${where}: 'ids' must be the object tokenizer.tokenIds() returns ({ vocabSize, maskTokenId?, … }), got ${describe(ids)}`);
  }
  const vocabSize = ids.vocabSize;
  if (!Number.isSafeInteger(vocabSize) || vocabSize < 1) {
    throw new ConfigError(`${where}: 'ids.vocabSize' must be a positive integer, got ${describe(vocabSize)}`);
  }
  const out = { vocabSize } as { vocabSize: number } & Record<SpecialIdKey, number | null>;
  for (const key of SPECIAL_ID_KEYS) {
    const id = ids[key];
    if (id === undefined || id === null) {
      out[key] = null;
    } else if (!Number.isSafeInteger(id) || id < 0 || id >= vocabSize) {
      throw new ConfigError(`${where}: 'ids.${key}' must be a token id in [0, vocabSize = ${vocabSize}), got ${describe(id)}`);
    } else {
      out[key] = id;
    }
  }
  return out;
}

/** The id of `key`, which the objective cannot do without. @throws ConfigError naming the token. */
export function requireId(where: string, ids: Record<SpecialIdKey, number | null>, key: SpecialIdKey, token: string): number {
  const id = ids[key];
  if (id === null) throw new ConfigError(`${where}: the tokenizer has no ${token} token ('ids.${key}' is absent)`);
  return id;
}

/** Every special id the tokenizer has (pad, unk, bos, eos, cls, sep, mask), each once. */
export function specialIds(ids: Record<SpecialIdKey, number | null>): number[] {
  return [...new Set(SPECIAL_ID_KEYS.map((k) => ids[k]).filter((id): id is number => id !== null))];
}
