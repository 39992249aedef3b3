// Streams text through a tokenizer's normalizer and pre-tokenizer and counts the words, chunk by
// chunk, so that training reads a corpus once and never holds it whole.
import type { Normalizer } from '../normalizers/normalizer.js';
import type { PreTokenizer } from '../pre-tokenizers/pre-tokenizer.js';
import { Spans } from '../pre-tokenizers/spans.js';
import { toByteLevel } from '../unicode/byte-level-alphabet.js';
import { charClass, WHITE_SPACE } from '../unicode/char-classes.js';

/** Text for training: one string, strings, or chunks from an (async) iterable such as a file stream. */
export type TextSource = string | Iterable<string> | AsyncIterable<string>;

/** Above this many carried-over characters a chunk is cut at whitespace even if that is not exact. */
const MAX_CARRY = 1 << 20;

/** Incremental word counts of a text stream. */
export class WordCounter {
  private readonly raw = new Map<string, number>();
  private carry = '';
  private readonly spans = new Spans();

  constructor(private readonly pipeline: { readonly normalizer: Normalizer | null; readonly preTokenizer: PreTokenizer | null }) {}

  /** Feeds all chunks of a source. */
  async consume(source: TextSource): Promise<void> {
    if (typeof source === 'string') this.feed(source);
    else if (Symbol.asyncIterator in source) for await (const chunk of source) this.feed(chunk);
    else for (const chunk of source) this.feed(chunk);
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

function isSpace(c: number): boolean {
  // Surrogate halves are never whitespace; charClass of a lone half is CONTROL.
  return (charClass(c) & WHITE_SPACE) !== 0;
}
