// The Tokenizer: composes normalizer → pre-tokenizer → model → post-processor → decoder, owns the
// added tokens, and round-trips through HF's tokenizer.json.
import { AddedVocabulary, type AddedToken, type AddedTokenJSON } from './added-vocabulary.js';
import { assemble } from './assemble.js';
import { flattenBatch, type BatchEncoding, type EncodeBatchOptions, type PaddingJSON } from './batch.js';
import { ByteLevelDecoder, byteLevelBytes } from './decoders/byte-level.js';
import type { Decoder, DecoderJSON } from './decoders/decoder.js';
import { encodeSequence } from './encode-sequence.js';
import { applyShape, captureShape, type JSONShape } from './io/json-shape.js';
import { readTokenizerJSON } from './io/tokenizer-json.js';
import { decodeUtf8, quote } from './io/untrusted.js';
import type { Encoding } from './encoding.js';
import { TokenizerConfigError, TokenizerFormatError } from './errors.js';
import type { Model, ModelJSON } from './models/model.js';
import { TokenList } from './models/token-list.js';
import type { Normalizer, NormalizerJSON } from './normalizers/normalizer.js';
import type { PreTokenizer, PreTokenizerJSON } from './pre-tokenizers/pre-tokenizer.js';
import { TemplateProcessing } from './processors/template-processing.js';
import { addedTokenCount, type PostProcessor, type PostProcessorJSON } from './processors/post-processor.js';
import type { Trainer } from './trainers/trainer.js';
import { WordCounter, type TextSource } from './trainers/word-counter.js';
import { deriveTokenIds, type TokenizerIds } from './token-ids.js';
import { truncatePair, type TruncationJSON, type TruncationStrategy } from './truncation.js';

/** The stages of a tokenizer; only `model` is required. */
export interface TokenizerOptions {
  model: Model;
  normalizer?: Normalizer | null;
  preTokenizer?: PreTokenizer | null;
  postProcessor?: PostProcessor | null;
  decoder?: Decoder | null;
}

/** Options of `Tokenizer.encode`. */
export interface EncodeOptions {
  /** Add the post-processor's special tokens. Default true. */
  addSpecialTokens?: boolean;
  /** Truncate to `maxLength` (special tokens included). Default: the tokenizer's truncation setting. */
  truncation?: boolean | TruncationStrategy;
  maxLength?: number;
  truncationSide?: 'right' | 'left';
}

/** Options of `Tokenizer.decode`. */
export interface DecodeOptions {
  /** Leave out special tokens. Default true (as HF). */
  skipSpecialTokens?: boolean;
}

/** tokenizer.json, as HF writes it. */
export interface TokenizerJSON {
  version: string;
  truncation: TruncationJSON | null;
  padding: PaddingJSON | null;
  added_tokens: AddedTokenJSON[];
  normalizer: NormalizerJSON | null;
  pre_tokenizer: PreTokenizerJSON | null;
  post_processor: PostProcessorJSON | null;
  decoder: DecoderJSON | null;
  model: ModelJSON;
  [field: string]: unknown;
}

/**
 * A tokenizer pipeline.
 * @example
 * const tok = Tokenizer.fromJSON(JSON.parse(readFileSync('tokenizer.json', 'utf8')));
 * const { ids, typeIds, offsets } = tok.encode('Hello world', 'Second sentence');
 * tok.decode(ids); // text back
 */
export class Tokenizer {
  model: Model;
  normalizer: Normalizer | null;
  preTokenizer: PreTokenizer | null;
  postProcessor: PostProcessor | null;
  decoder: Decoder | null;
  /** tokenizer.json's `truncation`: default truncation of `encode`/`encodeBatch`. */
  truncation: TruncationJSON | null = null;
  /** tokenizer.json's `padding`: default padding of `encodeBatch`. */
  padding: PaddingJSON | null = null;
  readonly added = new AddedVocabulary();
  private idBytes: Array<Uint8Array | undefined> = [];
  private jsonVersion = '1.0';
  /** Shape of the tokenizer.json this was loaded from, and the components it produced. */
  private loaded: { shape: JSONShape; components: readonly unknown[] } | null = null;

  constructor(options: TokenizerOptions) {
    this.model = options.model;
    this.normalizer = options.normalizer ?? null;
    this.preTokenizer = options.preTokenizer ?? null;
    this.postProcessor = options.postProcessor ?? null;
    this.decoder = options.decoder ?? null;
  }

  /** Adds tokens matched as a whole in the text; returns how many were new. */
  addTokens(tokens: ReadonlyArray<string | AddedToken>): number {
    let added = 0;
    for (const t of tokens) {
      const token = typeof t === 'string' ? { content: t } : t;
      if (typeof token.content !== 'string' || token.content.length === 0) throw new TokenizerConfigError('addTokens: a token must be a non-empty string');
      const id = this.model.tokenToId(token.content) ?? this.added.tokenToId(token.content) ?? this.nextId();
      if (this.added.add(token, id)) added++;
    }
    this.idBytes = [];
    return added;
  }

  /** Adds special tokens (skipped by decode, marked in the special-tokens mask). */
  addSpecialTokens(tokens: ReadonlyArray<string | AddedToken>): number {
    return this.addTokens(tokens.map((t) => ({ ...(typeof t === 'string' ? { content: t } : t), special: true })));
  }

  private nextId(): number {
    return Math.max(this.model.vocabSize, this.added.maxId() + 1);
  }

  /** Vocabulary size, with added tokens unless `withAddedTokens` is false. */
  getVocabSize(withAddedTokens = true): number {
    return withAddedTokens ? Math.max(this.model.vocabSize, this.added.maxId() + 1) : this.model.vocabSize;
  }

  /**
   * The vocabulary size and special-token ids, in the shape model and objective configs take
   * (`fromTokenizer(tok.tokenIds())`): BERT gives pad/unk/cls/sep/mask, GPT-2 `<|endoftext|>` as bos
   * and eos, a char-level tokenizer whatever specials it was trained with. Absent fields: no such token.
   * @example
   * bertWordPiece().tokenIds(); // { vocabSize: 5, padTokenId: 0, unkTokenId: 1, clsTokenId: 2, sepTokenId: 3, maskTokenId: 4 }
   */
  tokenIds(): TokenizerIds {
    return deriveTokenIds(this);
  }

  /** token → id, added tokens included. */
  getVocab(): Map<string, number> {
    const vocab = this.model.getVocab();
    for (const t of this.added.toJSON()) vocab.set(t.content, t.id);
    return vocab;
  }

  tokenToId(token: string): number | undefined {
    return this.added.tokenToId(token) ?? this.model.tokenToId(token);
  }

  idToToken(id: number): string | undefined {
    return this.added.idToToken(id) ?? this.model.idToToken(id);
  }

  /** Encodes a text, or a pair of texts, to an Encoding (ids, type ids, offsets, masks). */
  encode(text: string, pair?: string | null, options: EncodeOptions = {}): Encoding {
    const a = this.encodeTokens(text, 0);
    const b = pair === undefined || pair === null ? null : this.encodeTokens(pair, 1);
    const addSpecialTokens = options.addSpecialTokens ?? true;
    const truncation = options.truncation ?? (this.truncation !== null);
    if (truncation) {
      const maxLength = options.maxLength ?? this.truncation?.max_length;
      if (maxLength === undefined) throw new TokenizerConfigError('truncation needs maxLength');
      const strategy: TruncationStrategy =
        truncation === true
          ? this.truncation?.strategy === 'OnlyFirst'
            ? 'only_first'
            : this.truncation?.strategy === 'OnlySecond'
              ? 'only_second'
              : 'longest_first'
          : truncation;
      const budget = maxLength - (addSpecialTokens ? addedTokenCount(this.postProcessor, b !== null) : 0);
      const side = options.truncationSide ?? (this.truncation?.direction === 'Left' ? 'left' : 'right');
      truncatePair(a, b, budget, strategy, side);
    }
    const encoding = assemble(this.postProcessor, this.added, a, b, addSpecialTokens, (id) => this.idToToken(id), [text, pair ?? '']);
    releaseScratch();
    return encoding;
  }

  /**
   * The ids of one text, without special tokens or offsets bookkeeping beyond what the models do:
   * the fastest path, for building pretraining corpora.
   */
  encodeIds(text: string): Int32Array {
    const list = this.encodeTokens(text, 0);
    const ids = list.ids.slice(0, list.length);
    releaseScratch();
    return ids;
  }

  /** Token strings of a text (no special tokens). */
  tokenize(text: string): string[] {
    const list = this.encodeTokens(text, 0);
    return Array.from(list.ids.subarray(0, list.length), (id) => this.idToToken(id) ?? '');
  }

  /** Raw tokens of one sequence in scratch list `slot` (0: first sequence, 1: pair), valid until the next call. */
  private encodeTokens(text: string, slot: 0 | 1): TokenList {
    const list = scratch[slot];
    list.length = 0;
    encodeSequence(this, text, list);
    return list;
  }

  /**
   * Encodes many texts or pairs into flat typed arrays (see BatchEncoding).
   * @example
   * const batch = tok.encodeBatch([['A question?', 'An answer.'], ['Q2', 'A2']], {
   *   padding: true, truncation: true, maxLength: 128, returnSpecialTokensMask: true,
   * });
   * batch.inputIds; // Int32Array of batchSize × batch.length
   */
  encodeBatch(inputs: ReadonlyArray<string | readonly [string, string]>, options: EncodeBatchOptions = {}): BatchEncoding {
    const truncation = options.truncation ?? (this.truncation !== null);
    const encodings = inputs.map((input) =>
      typeof input === 'string'
        ? this.encode(input, null, { ...options, truncation })
        : this.encode(input[0], input[1], { ...options, truncation }),
    );
    const padding =
      options.padding === undefined
        ? this.padding === null
          ? false
          : typeof this.padding.strategy === 'object'
            ? 'max_length'
            : 'longest'
        : options.padding === true
          ? 'longest'
          : options.padding;
    const withDefaults: EncodeBatchOptions = {
      ...options,
      maxLength: options.maxLength ?? (this.padding && typeof this.padding.strategy === 'object' ? this.padding.strategy.Fixed : undefined),
      padToMultipleOf: options.padToMultipleOf ?? this.padding?.pad_to_multiple_of ?? undefined,
      paddingSide: options.paddingSide ?? (this.padding?.direction === 'Left' ? 'left' : 'right'),
    };
    return flattenBatch(encodings, withDefaults, padding, padding ? this.padTokenId(options.padToken) : null);
  }

  private padTokenId(padToken: string | undefined): { id: number; typeId: number } {
    if (padToken !== undefined) {
      const id = this.tokenToId(padToken);
      if (id === undefined) throw new TokenizerConfigError(`pad token ${quote(padToken)} is not in the vocabulary`);
      return { id, typeId: this.padding?.pad_type_id ?? 0 };
    }
    // As HF: tokenizer.json's padding pads with pad_id (pad_token is informational).
    if (this.padding) return { id: this.padding.pad_id, typeId: this.padding.pad_type_id };
    for (const candidate of ['[PAD]', '<pad>', '<|endoftext|>']) {
      const id = this.tokenToId(candidate);
      if (id !== undefined) return { id, typeId: 0 };
    }
    throw new TokenizerConfigError('padding needs a pad token: pass padToken (no [PAD], <pad> or <|endoftext|> in the vocabulary)');
  }

  /**
   * Text of a list of ids. Ids outside the vocabulary are skipped (as in HF). With a byte-level
   * decoder, invalid UTF-8 (a token sequence cut inside a character) decodes to U+FFFD.
   */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const skip = options.skipSpecialTokens ?? true;
    if (this.decoder instanceof ByteLevelDecoder) return this.decodeBytes(ids, skip);
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (skip && this.added.isSpecial(id)) continue;
      const t = this.idToToken(id);
      if (t !== undefined) tokens.push(t);
    }
    return this.decoder ? this.decoder.decode(tokens) : tokens.join(' ');
  }

  /** decode() of each row. */
  decodeBatch(rows: ReadonlyArray<ArrayLike<number>>, options: DecodeOptions = {}): string[] {
    return rows.map((ids) => this.decode(ids, options));
  }

  private decodeBytes(ids: ArrayLike<number>, skip: boolean): string {
    let buffer = new Uint8Array(Math.max(64, ids.length * 4));
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      let bytes = this.idBytes[id];
      if (bytes === undefined) {
        if (skip && this.added.isSpecial(id)) continue;
        const token = this.idToToken(id);
        if (token === undefined) continue;
        bytes = byteLevelBytes([token]);
        if (!this.added.isSpecial(id)) this.idBytes[id] = bytes;
      }
      if (n + bytes.length > buffer.length) {
        const grown = new Uint8Array(Math.max(buffer.length * 2, n + bytes.length));
        grown.set(buffer.subarray(0, n));
        buffer = grown;
      }
      buffer.set(bytes, n);
      n += bytes.length;
    }
    return utf8.decode(buffer.subarray(0, n));
  }

  /**
   * Trains a new model on text (strings, an iterable or async iterable of chunks) with `trainer`,
   * replacing this tokenizer's model and adding the trainer's special tokens. Text is counted chunk by
   * chunk (normalized and pre-tokenized with this tokenizer), so a corpus larger than memory streams.
   */
  async train(source: TextSource, trainer: Trainer): Promise<void> {
    const counter = new WordCounter(this);
    await counter.consume(source);
    this.model = trainer.train(counter.counts());
    this.idBytes = [];
    // Added tokens and template special tokens keep their names; their ids follow the new vocabulary.
    this.added.reassign((t) => this.model.tokenToId(t), this.model.vocabSize);
    if (trainer.specialTokens.length > 0) this.addSpecialTokens(trainer.specialTokens);
    if (this.postProcessor instanceof TemplateProcessing) this.postProcessor = this.postProcessor.withIds((t) => this.tokenToId(t));
  }

  /** tokenizer.json content, with HF's field order. */
  toJSON(): TokenizerJSON {
    const json: TokenizerJSON = {
      version: this.jsonVersion,
      truncation: this.truncation,
      padding: this.padding,
      added_tokens: this.added.toJSON(),
      normalizer: this.normalizer?.toJSON() ?? null,
      pre_tokenizer: this.preTokenizer?.toJSON() ?? null,
      post_processor: this.postProcessor?.toJSON() ?? null,
      decoder: this.decoder?.toJSON() ?? null,
      model: this.model.toJSON(),
    };
    if (this.loaded === null) return json;
    // Components still as loaded are written in the loaded file's key order.
    const children = { ...this.loaded.shape.children };
    this.components().forEach((c, i) => {
      if (c !== this.loaded!.components[i]) children[COMPONENT_KEYS[i]!] = undefined;
    });
    return applyShape(json, { ...this.loaded.shape, children });
  }

  private components(): unknown[] {
    return [this.normalizer, this.preTokenizer, this.postProcessor, this.decoder, this.model];
  }

  /** tokenizer.json text, pretty-printed like HF's `save(pretty=True)`. */
  toString(pretty = true): string {
    return JSON.stringify(this.toJSON(), null, pretty ? 2 : undefined);
  }

  /**
   * Loads HF's tokenizer.json (object or text). A component this package does not implement throws
   * UnsupportedComponentError naming it (e.g. `normalizer Precompiled`, `model Unigram`).
   */
  static fromJSON(input: TokenizerJSON | string): Tokenizer {
    return Tokenizer.parse(input, 'tokenizer.json');
  }

  private static parse(input: unknown, file: string): Tokenizer {
    let json: unknown;
    try {
      json = typeof input === 'string' ? JSON.parse(input) : input;
    } catch {
      throw new TokenizerFormatError(`${file}: not valid JSON`);
    }
    const parts = readTokenizerJSON(json, file);
    const tok = new Tokenizer(parts);
    tok.jsonVersion = parts.version;
    tok.truncation = parts.truncation;
    tok.padding = parts.padding;
    for (const t of parts.addedTokens) tok.added.add(t, t.id);
    tok.loaded = { shape: captureShape(json) as JSONShape, components: tok.components() };
    return tok;
  }

  /** Reads a tokenizer.json file (Node). @throws TokenizerFormatError naming the file when it is not UTF-8 or not valid. */
  static async fromFile(path: string): Promise<Tokenizer> {
    const { readFile } = await import('node:fs/promises');
    return Tokenizer.parse(decodeUtf8(await readFile(path), quote(path)), quote(path));
  }

  /** Writes tokenizer.json (Node). */
  async save(path: string, pretty = true): Promise<void> {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, this.toString(pretty));
  }
}

const COMPONENT_KEYS = ['normalizer', 'pre_tokenizer', 'post_processor', 'decoder', 'model'];
// Encoding reuses two token lists (a sequence and its pair); results are always copied out of them.
const scratch: [TokenList, TokenList] = [new TokenList(1 << 16), new TokenList(1 << 16)];
/** Drops a scratch list grown for one huge text, so that it is not kept alive. */
function releaseScratch(): void {
  for (const i of [0, 1] as const) if (scratch[i].ids.length > 1 << 22) scratch[i] = new TokenList(1 << 16);
}
// ignoreBOM: a leading U+FEFF is text, not a byte-order mark (HF's decode keeps it).
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
