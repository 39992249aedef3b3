// The vocabulary size and special-token ids a tokenizer reports (`tokenizer.tokenIds()` in
// @llmkit/tokenizer), declared here by shape so that models take them without importing the
// tokenizer package (layers knows no text).
import { ConfigError } from '@llmkit/core';
import { show } from './config.js';

/**
 * What `tokenizer.tokenIds()` returns: the vocabulary size and the id of each special token the
 * tokenizer has; a field is absent (or null) when it has no such token.
 */
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

const ID_KEYS = ['padTokenId', 'unkTokenId', 'bosTokenId', 'eosTokenId', 'clsTokenId', 'sepTokenId', 'maskTokenId'] as const;

/** Checked ids: every present id an integer in [0, vocabSize); absent ones null. */
export type ResolvedTokenizerIds = { vocabSize: number } & { [K in (typeof ID_KEYS)[number]]: number | null };

/** Validates `ids` (vocabSize a positive integer, each id in [0, vocabSize)). @throws ConfigError naming the field. */
export function readTokenizerIds(where: string, ids: TokenizerIds): ResolvedTokenizerIds {
  if (typeof ids !== 'object' || ids === null || Array.isArray(ids)) {
    throw new ConfigError(`${where}: 'ids' must be the object tokenizer.tokenIds() returns ({ vocabSize, padTokenId?, … }); got ${show(ids)}`);
  }
  const vocabSize = ids.vocabSize;
  if (!Number.isSafeInteger(vocabSize) || vocabSize < 1) {
    throw new ConfigError(`${where}: 'ids.vocabSize' must be a positive integer; got ${show(vocabSize)}`);
  }
  const out = { vocabSize } as ResolvedTokenizerIds;
  for (const key of ID_KEYS) {
    const id = ids[key];
    if (id === undefined || id === null) {
      out[key] = null;
      continue;
    }
    if (!Number.isSafeInteger(id) || id < 0 || id >= vocabSize) {
      throw new ConfigError(`${where}: 'ids.${key}' must be a token id in [0, vocabSize = ${vocabSize}); got ${show(id)}`);
    }
    out[key] = id;
  }
  return out;
}
