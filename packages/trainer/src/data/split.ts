// Train/validation split, deterministic and independent of shuffling: by a hash of each
// document's identity, or by spreading every k-th packed item (block or pair) to validation.
import { ConfigError } from '@llmkit/core';

/** Which part of a corpus a pipeline reads. */
export interface SplitOptions {
  /** The part this pipeline yields. */
  part: 'train' | 'validation';
  /** Share of the corpus that is validation, in (0, 1). */
  fraction: number;
  /**
   * `'document'` (default): a document is validation when the hash of its key (`path#record`) falls
   * below `fraction`, so no document is in both parts. `'block'`: packed items (blocks or pairs) are
   * numbered in corpus order and item k is validation when ⌊(k+1)·fraction⌋ > ⌊k·fraction⌋ — exactly
   * `fraction` of them, spread evenly; the way to split a corpus that is one document (tiny Shakespeare).
   */
  by?: 'document' | 'block';
}

export type ResolvedSplit = Required<SplitOptions>;

export function resolveSplit(where: string, split: SplitOptions | undefined): ResolvedSplit | undefined {
  if (split === undefined) return undefined;
  if (split.part !== 'train' && split.part !== 'validation') {
    throw new ConfigError(`${where}: 'split.part' must be 'train' or 'validation', got ${JSON.stringify(split.part)}`);
  }
  if (!(split.fraction > 0 && split.fraction < 1)) {
    throw new ConfigError(`${where}: 'split.fraction' must be in (0, 1), got ${split.fraction}`);
  }
  const by = split.by ?? 'document';
  if (by !== 'document' && by !== 'block') throw new ConfigError(`${where}: 'split.by' must be 'document' or 'block', got ${JSON.stringify(by)}`);
  return { part: split.part, fraction: split.fraction, by };
}

/** FNV-1a over UTF-16 code units, then a murmur3 finalizer: a uniform 32-bit hash of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** True when the document with this key belongs to the validation part. */
export function isValidationDocument(key: string, fraction: number): boolean {
  return hashString(key) / 2 ** 32 < fraction;
}

/** True when packed item `index` belongs to the validation part. */
export function isValidationItem(index: number, fraction: number): boolean {
  return Math.floor((index + 1) * fraction) > Math.floor(index * fraction);
}
