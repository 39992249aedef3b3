// The normalizer stage: text in, text (with alignment to the input) out.
import type { NormalizedText } from './normalized-text.js';

/** A normalizer's tokenizer.json form: `{ "type": ..., ...fields }` with HF's field names. */
export interface NormalizerJSON {
  type: string;
  [field: string]: unknown;
}

/** First stage of the pipeline: Unicode forms, case, accents, cleanup. */
export interface Normalizer {
  readonly type: string;
  normalize(input: NormalizedText): NormalizedText;
  toJSON(): NormalizerJSON;
}

/** Normalizes a plain string (no offsets). */
export function normalizeString(normalizer: Normalizer, text: string): string {
  return normalizer.normalize({ text, align: null }).text;
}
