// Lowercasing with Unicode's full case mapping, final sigma included (as Python's str.lower() in BERT's
// original tokenizer and String#toLowerCase do; HF's Rust lowercases per character instead).
import { mapCodePoints, replaceSameLength, type NormalizedText } from './normalized-text.js';
import type { Normalizer, NormalizerJSON } from './normalizer.js';

/** Lowercases a normalized text, keeping offsets. */
export function lowercase(input: NormalizedText): NormalizedText {
  const lower = input.text.toLowerCase();
  // Same length: units correspond one to one and offsets carry over. A character whose lowercase has
  // another length ('İ' → 'i̇') is rare: then map per code point (losing only the final-sigma context).
  if (lower.length === input.text.length) return replaceSameLength(input, lower);
  // Per-character lowercase lengths only differ from the whole-string ones in context (final sigma
  // keeps length 1), so slice the whole-string result by the per-character lengths.
  let pos = 0;
  return mapCodePoints(input, (cp) => {
    const n = String.fromCodePoint(cp).toLowerCase().length;
    const out = lower.slice(pos, pos + n);
    pos += n;
    return out;
  });
}

/** `{"type": "Lowercase"}` */
export class Lowercase implements Normalizer {
  readonly type = 'Lowercase';
  normalize(input: NormalizedText): NormalizedText {
    return lowercase(input);
  }
  toJSON(): NormalizerJSON {
    return { type: this.type };
  }
}
