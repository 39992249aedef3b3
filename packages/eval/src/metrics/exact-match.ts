// Exact match, as HF evaluate's `exact_match`: the fraction of predictions equal to their reference,
// optionally after removing regexes, lowercasing, and deleting punctuation or digits.
import { ConfigError, ShapeError } from '@llmkit/core';
import { checkStrings } from './text-checks.js';

export interface ExactMatchOptions {
  /** Regular expressions whose matches are removed first (evaluate's regexes_to_ignore). */
  regexesToIgnore?: readonly (string | RegExp)[];
  ignoreCase?: boolean;
  /** Delete ASCII punctuation (Python's string.punctuation). */
  ignorePunctuation?: boolean;
  /** Delete ASCII digits. */
  ignoreNumbers?: boolean;
}

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** Fraction in [0, 1] of `predictions[i] === references[i]` after the chosen normalizations. */
export function exactMatch(predictions: readonly string[], references: readonly string[], options: ExactMatchOptions = {}): number {
  checkStrings('exactMatch', 'predictions', predictions);
  checkStrings('exactMatch', 'references', references);
  if (predictions.length !== references.length) throw new ShapeError(`exactMatch: 'predictions' and 'references' must have the same length; got ${predictions.length} and ${references.length}`);
  if (predictions.length === 0) throw new ShapeError(`exactMatch: 'predictions' is empty`);
  const regexes = (options.regexesToIgnore ?? []).map((r, i) => {
    if (r instanceof RegExp) return new RegExp(r.source, r.flags.includes('g') ? r.flags : `${r.flags}g`);
    if (typeof r !== 'string') throw new ConfigError(`exactMatch: 'regexesToIgnore[${i}]' must be a string or RegExp; got ${typeof r}`);
    return new RegExp(r, 'g');
  });
  const norm = (s: string) => {
    for (const r of regexes) s = s.replace(r, '');
    if (options.ignoreCase) s = s.toLowerCase();
    if (options.ignorePunctuation) s = s.replace(PUNCTUATION, '');
    if (options.ignoreNumbers) s = s.replace(/[0-9]/g, '');
    return s;
  };
  let hits = 0;
  predictions.forEach((p, i) => {
    if (norm(p) === norm(references[i]!)) hits++;
  });
  return hits / predictions.length;
}
