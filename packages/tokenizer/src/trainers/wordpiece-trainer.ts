// WordPiece vocabulary training, as HF does it: BPE with a '##' continuation prefix, whose
// vocabulary becomes the WordPiece vocabulary.
import { WordPiece } from '../models/wordpiece.js';
import { BpeTrainer, type BpeTrainerOptions } from './bpe-trainer.js';
import type { Trainer, WordCounts } from './trainer.js';

/** Options of {@link WordPieceTrainer}. */
export interface WordPieceTrainerOptions extends Omit<BpeTrainerOptions, 'endOfWordSuffix'> {
  /** Default `'[UNK]'`; added to the special tokens when missing. */
  unkToken?: string;
}

/**
 * Trains a WordPiece vocabulary. Default special tokens: [UNK] [CLS] [SEP] [PAD] [MASK].
 * @example
 * const tok = bertWordPiece();
 * await tok.train(readTextFile('corpus.txt'), new WordPieceTrainer({ vocabSize: 8000 }));
 */
export class WordPieceTrainer implements Trainer {
  readonly specialTokens: readonly string[];
  readonly unkToken: string;
  private readonly bpe: BpeTrainer;

  constructor(options: WordPieceTrainerOptions = {}) {
    this.unkToken = options.unkToken ?? '[UNK]';
    const specials = options.specialTokens ?? ['[UNK]', '[CLS]', '[SEP]', '[PAD]', '[MASK]'];
    this.specialTokens = specials.includes(this.unkToken) ? specials : [this.unkToken, ...specials];
    this.bpe = new BpeTrainer({
      ...options,
      specialTokens: this.specialTokens,
      continuingSubwordPrefix: options.continuingSubwordPrefix ?? '##',
    });
  }

  train(words: WordCounts): WordPiece {
    const { vocab } = this.bpe.learn(words);
    return new WordPiece({ vocab, unkToken: this.unkToken, continuingSubwordPrefix: this.bpe.continuingSubwordPrefix ?? '##' });
  }
}
