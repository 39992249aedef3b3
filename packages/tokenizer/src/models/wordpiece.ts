// WordPiece (BERT): greedy longest-match-first from the start of each word, continuation pieces
// carry a prefix ('##'); a word with an unmatchable part, or longer than the limit, is one [UNK].
import { TokenizerError } from '../errors.js';
import { badValue, Fields, quote } from '../io/untrusted.js';
import { VocabModel, type Model, type ModelJSON } from './model.js';
import type { TokenList } from './token-list.js';

/** Options of {@link WordPiece}; field names follow HF's `WordPiece` model. */
export interface WordPieceOptions {
  vocab: Map<string, number> | Record<string, number>;
  /** Default `'[UNK]'`. One missing from the vocabulary loads (as in HF) and makes an unknown word an error. */
  unkToken?: string;
  /** Default `'##'`. */
  continuingSubwordPrefix?: string;
  /** Words with more code points than this become unk. Default 100. */
  maxInputCharsPerWord?: number;
  /** Where the options came from, for error messages. */
  where?: string;
}

/**
 * WordPiece model.
 * @example
 * const wp = new WordPiece({ vocab: { '[UNK]': 0, un: 1, '##aff': 2, '##able': 3 } });
 */
export class WordPiece extends VocabModel implements Model {
  readonly type = 'WordPiece';
  readonly unkToken: string;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  private readonly unkId: number;
  /** Longest token length in UTF-16 units (bounds the inner search). */
  private readonly longest: number;

  constructor(options: WordPieceOptions) {
    super(options.vocab, `${options.where ?? 'WordPiece'}.vocab`);
    this.unkToken = options.unkToken ?? '[UNK]';
    this.continuingSubwordPrefix = options.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    this.unkId = this.vocab.get(this.unkToken) ?? -1;
    let longest = 0;
    for (const t of this.vocab.keys()) longest = Math.max(longest, t.length);
    this.longest = longest;
  }

  tokenize(word: string, base: number, out: TokenList): void {
    if (word.length === 0) return;
    let chars = 0;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff || i === 0 || (word.charCodeAt(i - 1) & 0xfc00) !== 0xd800) chars++;
    }
    if (chars > this.maxInputCharsPerWord) {
      out.push(this.unk(), base, base + word.length);
      return;
    }
    const mark = out.length;
    const prefix = this.continuingSubwordPrefix;
    let start = 0;
    while (start < word.length) {
      let end = Math.min(word.length, start + this.longest);
      let found = -1;
      while (end > start) {
        // Never cut a surrogate pair.
        if (end < word.length && (word.charCodeAt(end) & 0xfc00) === 0xdc00 && (word.charCodeAt(end - 1) & 0xfc00) === 0xd800) {
          end--;
          continue;
        }
        const piece = word.slice(start, end);
        const id = this.vocab.get(start > 0 ? prefix + piece : piece);
        if (id !== undefined) {
          found = id;
          break;
        }
        end--;
      }
      if (found < 0) {
        out.length = mark;
        out.push(this.unk(), base, base + word.length);
        return;
      }
      out.push(found, base + start, base + end);
      start = end;
    }
  }

  private unk(): number {
    if (this.unkId < 0) throw new TokenizerError(`WordPiece: an unknown word needs unk_token ${quote(this.unkToken)}, which is not in the vocabulary`);
    return this.unkId;
  }

  toJSON(): ModelJSON {
    const vocab: Record<string, number> = {};
    for (const [token, id] of [...this.vocab].sort((x, y) => x[1] - y[1])) vocab[token] = id;
    return {
      type: this.type,
      unk_token: this.unkToken,
      continuing_subword_prefix: this.continuingSubwordPrefix,
      max_input_chars_per_word: this.maxInputCharsPerWord,
      vocab,
    };
  }

  /** Parses HF's form. @throws TokenizerFormatError naming a malformed field. */
  static fromJSON(json: ModelJSON, where = 'model'): WordPiece {
    const node = new Fields(json, where);
    const vocab = node.raw('vocab');
    if (vocab === null || typeof vocab !== 'object' || Array.isArray(vocab)) throw badValue(`${where}.vocab`, 'a {token: id} object', vocab);
    return new WordPiece({
      vocab: vocab as Record<string, number>,
      unkToken: node.string('unk_token'),
      continuingSubwordPrefix: node.string('continuing_subword_prefix'),
      maxInputCharsPerWord: node.count('max_input_chars_per_word'),
      where,
    });
  }
}
