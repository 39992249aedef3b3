// Streams text through a tokenizer's normalizer and pre-tokenizer and counts the words, chunk by
// chunk, so that training reads a corpus once and never holds it whole.
import { TokenizerConfigError } from '../errors.js';
import { describe } from '../io/untrusted.js';
import type { Normalizer } from '../normalizers/normalizer.js';
import type { PreTokenizer } from '../pre-tokenizers/pre-tokenizer.js';
import { Spans } from '../pre-tokenizers/spans.js';
import { toByteLevel } from '../unicode/byte-level-alphabet.js';
import { charClass, WHITE_SPACE } from '../unicode/char-classes.js';

/**
 * A piece of training text: a string, or an object with `text` (and `last: true` at the end of a
 * document, where words never continue), as @llmkit/trainer's sources yield them.
 */
export type TextChunk = string | { readonly text: string; readonly last?: boolean };

/**
 * Text for training: one string; a sync or async iterable of chunks (`readTextFiles(...)`, a file
 * stream, an array); or a source with a `read()` method returning one (`textFiles(...)` of @llmkit/trainer).
 */
export type TextSource = string | Iterable<TextChunk> | AsyncIterable<TextChunk> | { read(): Iterable<TextChunk> | AsyncIterable<TextChunk> };

/** Above this many carried-over characters a chunk is cut at whitespace even if that is not exact. */
const MAX_CARRY = 1 << 20;

/** Incremental word counts of a text stream. */
export class WordCounter {
  private readonly raw = new Map<string, number>();
  private carry = '';
  private readonly spans = new Spans();

  constructor(private readonly pipeline: { readonly normalizer: Normalizer | null; readonly preTokenizer: PreTokenizer | null }) {}

  /** Feeds all chunks of a source. @throws TokenizerConfigError when it is not a TextSource. */
  async consume(source: TextSource): Promise<void> {
    if (typeof source === 'string') {
      this.feed(source);
      this.flush();
      return;
    }
    const chunks = iterableOf(source);
    let n = 0;
    for await (const chunk of chunks as AsyncIterable<unknown>) {
      if (typeof chunk === 'string') this.feed(chunk);
      else if (typeof chunk === 'object' && chunk !== null && typeof (chunk as { text?: unknown }).text === 'string') {
        this.feed((chunk as { text: string }).text);
        if ((chunk as { last?: unknown }).last === true) this.flush();
      } else throw new TokenizerConfigError(`train: chunk ${n} of the text source must be a string or { text }, got ${describe(chunk)}`);
      n++;
    }
    this.flush();
  }

  /**
   * Counts a chunk. Text after the last safe cut — a newline between two non-space characters,
   * where every supported pre-tokenizer splits the same way whole or cut — waits for the next chunk.
   */
  feed(chunk: string): void {
    const text = this.carry + chunk;
    let cut = -1;
    for (let i = text.lastIndexOf('\n'); i > 0; i = text.lastIndexOf('\n', i - 1)) {
      if (i + 1 < text.length && !isSpace(text.charCodeAt(i - 1)) && !isSpace(text.charCodeAt(i + 1))) {
        cut = i + 1;
        break;
      }
    }
    if (cut < 0 && text.length > MAX_CARRY) cut = Math.max(text.lastIndexOf(' '), text.lastIndexOf('\n')) + 1;
    if (cut <= 0) {
      this.carry = text;
      return;
    }
    this.count(text.slice(0, cut));
    this.carry = text.slice(cut);
  }

  /** Counts what is left over. */
  flush(): void {
    if (this.carry.length > 0) this.count(this.carry);
    this.carry = '';
  }

  private count(text: string): void {
    const { normalizer, preTokenizer } = this.pipeline;
    let t = normalizer ? normalizer.normalize({ text, align: null }).text : text;
    if (preTokenizer) t = preTokenizer.prefix(t) + t;
    const spans = this.spans;
    spans.clear();
    if (preTokenizer) preTokenizer.split(t, 0, t.length, spans);
    else spans.push(0, t.length);
    const raw = this.raw;
    for (let i = 0; i < spans.length; i++) {
      const word = t.slice(spans.start(i), spans.end(i));
      raw.set(word, (raw.get(word) ?? 0) + 1);
    }
  }

  /** Word counts so far; byte-level pipelines get words spelled in byte characters. */
  counts(): Map<string, number> {
    if (!this.pipeline.preTokenizer?.byteLevel) return new Map(this.raw);
    const out = new Map<string, number>();
    for (const [word, n] of this.raw) {
      const w = toByteLevel(word);
      out.set(w, (out.get(w) ?? 0) + n);
    }
    return out;
  }
}

/** The chunks of a source: itself when iterable, else what its `read()` returns. */
function iterableOf(source: unknown): Iterable<unknown> | AsyncIterable<unknown> {
  const isIterable = (v: unknown): v is Iterable<unknown> | AsyncIterable<unknown> =>
    typeof v === 'object' && v !== null && (Symbol.asyncIterator in v || Symbol.iterator in v);
  if (isIterable(source)) return source;
  if (typeof source === 'object' && source !== null && typeof (source as { read?: unknown }).read === 'function') {
    const read = (source as { read(): unknown }).read();
    if (isIterable(read)) return read;
  }
  throw new TokenizerConfigError(
    `train: the text source must be a string, an iterable or async iterable of strings, or an object whose read() returns one (readTextFiles(...), textFiles(...)); got ${describe(source)}`,
  );
}

function isSpace(c: number): boolean {
  // Surrogate halves are never whitespace; charClass of a lone half is CONTROL.
  return (charClass(c) & WHITE_SPACE) !== 0;
}
