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
 * BERT's special tokens in the order HF's BertWordPieceTokenizer trains them and {@link bertWordPiece}
 * numbers them: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, so that a trained vocabulary keeps the
 * preset's ids (and BERT's pad id 0 is [PAD]).
 */
export const BERT_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/**
 * Trains a WordPiece vocabulary. Default special tokens: {@link BERT_SPECIAL_TOKENS} ([PAD] = 0).
 * @example
 * const tok = bertWordPiece();
 * await tok.train(readTextFiles('corpus.txt'), new WordPieceTrainer({ vocabSize: 8000 }));
 */
export class WordPieceTrainer implements Trainer {
  readonly specialTokens: readonly string[];
  readonly unkToken: string;
  private readonly bpe: BpeTrainer;

  constructor(options: WordPieceTrainerOptions = {}) {
    this.unkToken = options.unkToken ?? '[UNK]';
    const specials = options.specialTokens ?? BERT_SPECIAL_TOKENS;
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
