// The pre-tokenizer stage: splits normalized text into words that the model tokenizes separately.
import { Spans } from './spans.js';

/** A pre-tokenizer's tokenizer.json form. */
export interface PreTokenizerJSON {
  type: string;
  [field: string]: unknown;
}

/** Splits text into pieces; never changes the text (except via `prefix`). */
export interface PreTokenizer {
  readonly type: string;
  /** True when pieces are to be read as UTF-8 bytes (GPT-2 style byte-level BPE). */
  readonly byteLevel: boolean;
  /** Appends the pieces of text[start, end) to `out`. */
  split(text: string, start: number, end: number, out: Spans): void;
  /** A string to insert before each segment before splitting (ByteLevel's `add_prefix_space`). */
  prefix(text: string): string;
  toJSON(): PreTokenizerJSON;
}

/** The pieces of a string, as strings. */
export function preTokenizeString(preTokenizer: PreTokenizer, text: string): string[] {
  const spans = new Spans();
  const input = preTokenizer.prefix(text) + text;
  preTokenizer.split(input, 0, input.length, spans);
  return spans.strings(input);
}
