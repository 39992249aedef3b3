// Character vocabulary: every character seen (at least minFrequency times), sorted by code point.
import { CharLevel } from '../models/char-level.js';
import type { Trainer, WordCounts } from './trainer.js';

/** Options of {@link CharTrainer}. */
export interface CharTrainerOptions {
  /** Placed first, in this order. */
  specialTokens?: readonly string[];
  /** Characters seen fewer times are left out (and become unk). Default 1. */
  minFrequency?: number;
  /** Token for characters outside the vocabulary; must be among the special tokens. Default none. */
  unkToken?: string | null;
}

/**
 * Builds a char-level vocabulary.
 * @example
 * const tok = charLevel();
 * await tok.train(readTextFiles('input.txt'), new CharTrainer());
 */
export class CharTrainer implements Trainer {
  readonly specialTokens: readonly string[];
  readonly minFrequency: number;
  readonly unkToken: string | null;

  constructor(options: CharTrainerOptions = {}) {
    this.unkToken = options.unkToken ?? null;
    const specials = options.specialTokens ?? [];
    this.specialTokens = this.unkToken === null || specials.includes(this.unkToken) ? specials : [this.unkToken, ...specials];
    this.minFrequency = options.minFrequency ?? 1;
  }

  train(words: WordCounts): CharLevel {
    const freq = new Map<string, number>();
    for (const [word, n] of words) for (const ch of word) freq.set(ch, (freq.get(ch) ?? 0) + n);
    const vocab = new Map<string, number>();
    for (const t of this.specialTokens) if (!vocab.has(t)) vocab.set(t, vocab.size);
    const chars = [...freq].filter(([, n]) => n >= this.minFrequency).map(([ch]) => ch);
    chars.sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!);
    for (const ch of chars) if (!vocab.has(ch)) vocab.set(ch, vocab.size);
    return new CharLevel({ vocab, unkToken: this.unkToken });
  }
}
