// The decoder stage: token strings back to text.

/** A decoder's tokenizer.json form. */
export interface DecoderJSON {
  type: string;
  [field: string]: unknown;
}

/** Joins tokens into text, undoing what the pre-tokenizer and model did. */
export interface Decoder {
  readonly type: string;
  decode(tokens: readonly string[]): string;
  toJSON(): DecoderJSON;
}
