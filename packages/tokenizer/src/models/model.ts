// The model stage: turns one pre-tokenized word into token ids.
import { TokenizerConfigError } from '../errors.js';
import { isPlainObject, quote, readId } from '../io/untrusted.js';
import type { TokenList } from './token-list.js';

/** A model's tokenizer.json form. */
export interface ModelJSON {
  type: string;
  [field: string]: unknown;
}

/** Maps words to ids; owns the vocabulary. */
export interface Model {
  readonly type: string;
  /** Appends the tokens of `word`, with offsets `base + position in word` (UTF-16 units). */
  tokenize(word: string, base: number, out: TokenList): void;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** One more than the largest id. */
  readonly vocabSize: number;
  /** token → id. */
  getVocab(): Map<string, number>;
  toJSON(): ModelJSON;
}

/** Builds id → token from token → id. */
export function invertVocab(vocab: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [token, id] of vocab) out[id] = token;
  return out;
}

/**
 * Reads a `{token: id}` object or Map into a Map, checking every id (an integer in [0, 2^31)).
 * Duplicate ids are allowed, as in HF (the last token with an id is the one decoded).
 * @throws TokenizerFormatError naming the token and the bad id.
 */
export function toVocabMap(vocab: Map<string, number> | Record<string, number>, where = 'vocab'): Map<string, number> {
  if (!(vocab instanceof Map) && !isPlainObject(vocab)) throw new TokenizerConfigError(`${where}: expected a {token: id} object or Map`);
  const entries: Iterable<[string, unknown]> = vocab instanceof Map ? vocab : Object.entries(vocab);
  const out = new Map<string, number>();
  for (const [token, id] of entries) {
    if (typeof token !== 'string') throw new TokenizerConfigError(`${where}: tokens must be strings`);
    out.set(token, readId(id, `${where}[${quote(token)}]`));
  }
  return out;
}

/** The vocabulary half of a {@link Model}: token ↔ id lookups shared by BPE, WordPiece and CharLevel. */
export abstract class VocabModel {
  protected readonly vocab: Map<string, number>;
  protected readonly vocabR: string[];

  protected constructor(vocab: Map<string, number> | Record<string, number>, where = 'vocab') {
    this.vocab = toVocabMap(vocab, where);
    this.vocabR = invertVocab(this.vocab);
  }

  get vocabSize(): number {
    return this.vocabR.length;
  }
  tokenToId(token: string): number | undefined {
    return this.vocab.get(token);
  }
  idToToken(id: number): string | undefined {
    return this.vocabR[id];
  }
  getVocab(): Map<string, number> {
    return new Map(this.vocab);
  }
}
