// Character-level model: one token per code point (what a char-level GPT trains on).
// Serialized as `{"type": "CharLevel", "vocab", "unk_token"}`, an llmkit extension of tokenizer.json.
import { TokenizerConfigError, TokenizerError } from '../errors.js';
import { badValue, Fields, quote } from '../io/untrusted.js';
import { VocabModel, type Model, type ModelJSON } from './model.js';
import type { TokenList } from './token-list.js';

/** Options of {@link CharLevel}. */
export interface CharLevelOptions {
  vocab: Map<string, number> | Record<string, number>;
  /** Token for characters outside the vocabulary; without one, encoding them throws. */
  unkToken?: string | null;
}

/**
 * One id per character.
 * @example
 * const chars = new CharLevel({ vocab: { a: 0, b: 1 } });
 */
export class CharLevel extends VocabModel implements Model {
  readonly type = 'CharLevel';
  readonly unkToken: string | null;
  private readonly unkId: number;

  constructor(options: CharLevelOptions) {
    super(options.vocab);
    this.unkToken = options.unkToken ?? null;
    this.unkId = this.unkToken === null ? -1 : (this.vocab.get(this.unkToken) ?? -1);
    if (this.unkToken !== null && this.unkId < 0) {
      throw new TokenizerConfigError(`CharLevel unk_token ${quote(this.unkToken)} is not in the vocabulary`);
    }
  }

  tokenize(word: string, base: number, out: TokenList): void {
    for (let i = 0; i < word.length; ) {
      const cp = word.codePointAt(i)!;
      const size = cp > 0xffff ? 2 : 1;
      const ch = size === 1 ? word[i]! : word.slice(i, i + 2);
      const id = this.vocab.get(ch) ?? this.unkId;
      if (id < 0) throw new TokenizerError(`CharLevel: character ${quote(ch)} (U+${cp.toString(16).toUpperCase()}) is not in the vocabulary and there is no unk_token`);
      out.push(id, base + i, base + i + size);
      i += size;
    }
  }

  toJSON(): ModelJSON {
    const vocab: Record<string, number> = {};
    for (const [token, id] of [...this.vocab].sort((x, y) => x[1] - y[1])) vocab[token] = id;
    return { type: this.type, unk_token: this.unkToken, vocab };
  }

  /** Parses the llmkit form. @throws TokenizerFormatError naming a malformed field. */
  static fromJSON(json: ModelJSON, where = 'model'): CharLevel {
    const node = new Fields(json, where);
    const vocab = node.raw('vocab');
    if (vocab === null || typeof vocab !== 'object' || Array.isArray(vocab)) throw badValue(`${where}.vocab`, 'a {token: id} object', vocab);
    return new CharLevel({ vocab: vocab as Record<string, number>, unkToken: node.nullableString('unk_token', null) });
  }
}
