// The trainer interface: word counts in, a new model out.
import type { Model } from '../models/model.js';

/** Counts of pre-tokenized words (byte-level words are already spelled with byte characters). */
export type WordCounts = ReadonlyMap<string, number>;

/** Learns a vocabulary from word counts. Deterministic: the same counts give the same model. */
export interface Trainer {
  /** Tokens placed first in the vocabulary and added to the tokenizer as special tokens. */
  readonly specialTokens: readonly string[];
  train(words: WordCounts): Model;
}
