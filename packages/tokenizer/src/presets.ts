// Ready-made pipelines: GPT-2-style byte-level BPE, BERT WordPiece, and char-level.
import { ByteLevelDecoder } from './decoders/byte-level.js';
import { Fuse } from './decoders/fuse.js';
import { WordPieceDecoder } from './decoders/wordpiece.js';
import { BPE } from './models/bpe.js';
import { CharLevel } from './models/char-level.js';
import { WordPiece } from './models/wordpiece.js';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import { BertPreTokenizer } from './pre-tokenizers/bert-pre-tokenizer.js';
import { ByteLevel } from './pre-tokenizers/byte-level.js';
import { ByteLevelProcessing } from './processors/byte-level.js';
import { TemplateProcessing } from './processors/template-processing.js';
import { Tokenizer } from './tokenizer.js';
import { BERT_SPECIAL_TOKENS } from './trainers/wordpiece-trainer.js';
import { byteLevelAlphabet } from './unicode/byte-level-alphabet.js';

/**
 * A GPT-2-style byte-level BPE tokenizer with an empty vocabulary of the 256 bytes, ready to train.
 * @example
 * const tok = byteLevelBpe();
 * await tok.train(readTextFiles('corpus.txt'), new BpeTrainer({ vocabSize: 8000, initialAlphabet: byteLevelAlphabet() }));
 */
export function byteLevelBpe(options: { addPrefixSpace?: boolean } = {}): Tokenizer {
  const vocab = new Map(byteLevelAlphabet().map((ch, i) => [ch, i]));
  return new Tokenizer({
    model: new BPE({ vocab, merges: [] }),
    preTokenizer: new ByteLevel({ addPrefixSpace: options.addPrefixSpace ?? false }),
    postProcessor: new ByteLevelProcessing({ trimOffsets: false }),
    decoder: new ByteLevelDecoder(),
  });
}

/** Options of {@link bertWordPiece}. */
export interface BertWordPieceOptions {
  /** token → id; default BERT's five special tokens, [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4 (train to fill it). */
  vocab?: Map<string, number> | Record<string, number>;
  /** Default true (bert-base-uncased); false for cased models. */
  lowercase?: boolean;
  /** Default: follows `lowercase`. */
  stripAccents?: boolean | null;
  /** Default true. */
  handleChineseChars?: boolean;
}

/**
 * A BERT tokenizer: BertNormalizer, BertPreTokenizer, WordPiece, `[CLS] $A [SEP] $B:1 [SEP]:1`.
 * @example
 * const tok = bertWordPiece();
 * await tok.train(readTextFiles('corpus.txt'), new WordPieceTrainer({ vocabSize: 8000 }));
 */
export function bertWordPiece(options: BertWordPieceOptions = {}): Tokenizer {
  const vocab = options.vocab ?? new Map(BERT_SPECIAL_TOKENS.map((t, id) => [t, id]));
  const model = new WordPiece({ vocab });
  const tok = new Tokenizer({
    model,
    normalizer: new BertNormalizer({
      lowercase: options.lowercase ?? true,
      stripAccents: options.stripAccents ?? null,
      handleChineseChars: options.handleChineseChars ?? true,
    }),
    preTokenizer: new BertPreTokenizer(),
    decoder: new WordPieceDecoder(),
  });
  const specials = BERT_SPECIAL_TOKENS.filter((t) => model.tokenToId(t) !== undefined);
  tok.addSpecialTokens(specials);
  setBertTemplate(tok);
  return tok;
}

/** Points a tokenizer's post-processor at its [CLS]/[SEP] ids (call again after training). */
export function setBertTemplate(tok: Tokenizer): void {
  const cls = tok.tokenToId('[CLS]');
  const sep = tok.tokenToId('[SEP]');
  if (cls === undefined || sep === undefined) {
    tok.postProcessor = null;
    return;
  }
  tok.postProcessor = new TemplateProcessing({
    single: '[CLS] $A [SEP]',
    pair: '[CLS] $A [SEP] $B:1 [SEP]:1',
    specialTokens: [
      ['[CLS]', cls],
      ['[SEP]', sep],
    ],
  });
}

/**
 * A char-level tokenizer (no normalizer or pre-tokenizer; decoding concatenates).
 * @example
 * const tok = charLevel();
 * await tok.train(text, new CharTrainer());
 */
export function charLevel(vocab: Map<string, number> | Record<string, number> = {}): Tokenizer {
  return new Tokenizer({ model: new CharLevel({ vocab }), decoder: new Fuse() });
}
