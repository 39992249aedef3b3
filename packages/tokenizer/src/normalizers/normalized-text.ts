// Text plus its alignment to the original input, so that offsets survive normalization.

/**
 * A normalized text. `align` holds, for each UTF-16 unit of `text`, the [start, end) span of the
 * original input it came from (2 entries per unit); `null` means text is the original, unit for unit.
 */
export interface NormalizedText {
  readonly text: string;
  readonly align: Int32Array | null;
}

/** Original span of normalized unit `i`. */
export function originalStart(n: NormalizedText, i: number): number {
  return n.align === null ? i : n.align[2 * i]!;
}
export function originalEnd(n: NormalizedText, i: number): number {
  return n.align === null ? i + 1 : n.align[2 * i + 1]!;
}

/**
 * Rebuilds `input` code point by code point: `map(cp)` returns the replacement string ('' deletes it,
 * `null` keeps it). Every unit of a replacement is aligned to the whole original code point.
 */
export function mapCodePoints(input: NormalizedText, map: (cp: number) => string | null): NormalizedText {
  const src = input.text;
  const parts: string[] = [];
  const align: number[] = [];
  let changed = false;
  for (let i = 0; i < src.length; ) {
    const c = src.charCodeAt(i);
    let size = 1;
    let cp = c;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < src.length) {
      const d = src.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
        size = 2;
      }
    }
    const s = originalStart(input, i);
    const e = originalEnd(input, i + size - 1);
    const out = map(cp);
    if (out === null) {
      parts.push(size === 1 ? src[i]! : src.slice(i, i + 2));
      for (let k = 0; k < size; k++) align.push(originalStart(input, i + k), originalEnd(input, i + k));
    } else {
      changed = true;
      parts.push(out);
      for (let k = 0; k < out.length; k++) align.push(s, e);
    }
    i += size;
  }
  if (!changed) return input;
  return { text: parts.join(''), align: Int32Array.from(align) };
}

/**
 * Replaces each run [start, end) of `input` with `f(run)`, aligning the output of a run to the run's
 * whole original span (used by Unicode normalization forms, which work on a starter and its marks).
 */
export function mapRuns(
  input: NormalizedText,
  runEnds: readonly number[],
  f: (run: string) => string,
): NormalizedText {
  const src = input.text;
  const parts: string[] = [];
  const align: number[] = [];
  let start = 0;
  let changed = false;
  for (const end of runEnds) {
    const run = src.slice(start, end);
    const out = f(run);
    parts.push(out);
    if (out === run) {
      for (let k = start; k < end; k++) align.push(originalStart(input, k), originalEnd(input, k));
    } else {
      changed = true;
      const s = originalStart(input, start);
      const e = originalEnd(input, end - 1);
      for (let k = 0; k < out.length; k++) align.push(s, e);
    }
    start = end;
  }
  if (!changed) return input;
  return { text: parts.join(''), align: Int32Array.from(align) };
}

/** Replaces the text with one of the same length whose units correspond one to one. */
export function replaceSameLength(input: NormalizedText, text: string): NormalizedText {
  return text === input.text ? input : { text, align: input.align };
}
