// Input checks shared by the text metrics: hypotheses as strings, references as one list per hypothesis.
import { ConfigError, ShapeError } from '@llmkit/core';

export function checkStrings(where: string, name: string, xs: readonly string[]): void {
  if (!Array.isArray(xs)) throw new ConfigError(`${where}: '${name}' must be an array of strings; got ${typeof xs}`);
  xs.forEach((x, i) => {
    if (typeof x !== 'string') throw new ConfigError(`${where}: '${name}[${i}]' must be a string; got ${typeof x}`);
  });
}

/** `references[i]` holds the reference(s) of `hypotheses[i]`: a string or a non-empty list of strings. */
export function normalizeReferences(where: string, hypotheses: readonly string[], references: readonly (string | readonly string[])[]): string[][] {
  checkStrings(where, 'hypotheses', hypotheses);
  if (!Array.isArray(references)) throw new ConfigError(`${where}: 'references' must be an array (one entry per hypothesis); got ${typeof references}`);
  if (references.length !== hypotheses.length) {
    throw new ShapeError(`${where}: 'references' must have one entry per hypothesis (${hypotheses.length}); got ${references.length}`);
  }
  return references.map((r, i) => {
    const list = typeof r === 'string' ? [r] : r;
    if (!Array.isArray(list) || list.length === 0) throw new ConfigError(`${where}: 'references[${i}]' must be a string or a non-empty array of strings`);
    checkStrings(where, `references[${i}]`, list);
    return [...list];
  });
}

/** Python's `str.split()`: runs of Unicode whitespace separate words; no empty words. */
export function splitWhitespace(s: string): string[] {
  return s.split(PY_SPACE_RUN).filter((w) => w.length > 0);
}

/** Python's `str.isspace()` characters (JavaScript's \s differs: it has U+FEFF and lacks U+001C–U+001F, U+0085). */
export const PY_SPACE = '\\t\\n\\v\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_SPACE_RUN = new RegExp(`[${PY_SPACE}]+`, 'u');

/** Python's `str.rstrip()`. */
export function rstripPython(s: string): string {
  return s.replace(new RegExp(`[${PY_SPACE}]+$`, 'u'), '');
}
