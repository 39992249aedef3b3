// A hand-written scanner equivalent to GPT-2's pre-tokenization regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// with \s meaning Unicode White_Space, as in the Rust and Oniguruma regexes behind HF tokenizers and
// OpenAI's tiktoken (JavaScript's \s differs: it has U+FEFF and lacks U+0085, so js-tiktoken does too).
// Letters and numbers are read from HF's own classes (unicode/gpt2-classes.ts), not the engine's \p{L}:
// Node 20 knows Unicode 17, HF's regex an older version. It is several times faster than matchAll and
// allocates nothing; test/gpt2-split.test.ts checks it against GPT2_PATTERN, test/gpt2-unicode.test.ts
// against HF's classes and ids.
import { GPT2_CLASS_RUNS } from '../unicode/gpt2-classes.js';
import type { Spans } from './spans.js';

/** GPT-2's pattern as HF tokenizers and tiktoken run it, written for JavaScript (\s spelled White_Space). */
export const GPT2_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

/** GPT-2's pattern as tiktoken's rank files spell it (`pat_str`). */
export const TIKTOKEN_GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

const OTHER = 0;
const LETTER = 1;
const NUMBER = 2;
const SPACE = 4;

interface ClassTable {
  bmp: Uint8Array;
  /** First code point and class of each run above the BMP, for a binary search. */
  astralStarts: Int32Array;
  astralKinds: Uint8Array;
}
let table: ClassTable | undefined;

function buildTable(): ClassTable {
  const kindOf: Record<string, number> = { L: LETTER, N: NUMBER, S: SPACE, O: OTHER };
  const starts: number[] = [];
  const kinds: number[] = [];
  let start = 0;
  for (const m of GPT2_CLASS_RUNS.matchAll(/([LNSO])([0-9a-z]+)/g)) {
    start += parseInt(m[2]!, 36);
    starts.push(start);
    kinds.push(kindOf[m[1]!]!);
  }
  const bmp = new Uint8Array(0x10000);
  let firstAstral = starts.length;
  for (let r = 0; r < starts.length; r++) {
    if (starts[r]! >= 0x10000) {
      firstAstral = r;
      break;
    }
    bmp.fill(kinds[r]!, starts[r]!, Math.min(starts[r + 1] ?? 0x10000, 0x10000));
  }
  // The run holding U+10000 starts at or before it.
  const from = Math.max(0, firstAstral - 1);
  return { bmp, astralStarts: Int32Array.from(starts.slice(from)), astralKinds: Uint8Array.from(kinds.slice(from)) };
}

/** GPT-2's class of a code point: LETTER, NUMBER, SPACE or OTHER (a lone surrogate is OTHER). */
export function gpt2Kind(cp: number): number {
  const t = (table ??= buildTable());
  if (cp < 0x10000) return t.bmp[cp]!;
  const starts = t.astralStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= cp) lo = mid;
    else hi = mid - 1;
  }
  return t.astralKinds[lo]!;
}

/** Appends GPT-2's pieces of text[start, end) to `out`. */
export function splitGpt2(text: string, start: number, end: number, out: Spans): void {
  const classes = (table ??= buildTable()).bmp;
  // Class of the code point at i (LETTER, NUMBER, SPACE or OTHER) and its size in units.
  let size = 1;
  const kindAt = (i: number): number => {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) {
      size = 1;
      return classes[c]!;
    }
    if (c <= 0xdbff && i + 1 < end) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        size = 2;
        return gpt2Kind((c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000);
      }
    }
    size = 1;
    return OTHER; // lone surrogate: category Cs
  };

  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    // Contractions come first in the alternation.
    if (c === 39 /* ' */ && i + 1 < end) {
      const n = text.charCodeAt(i + 1);
      if (n === 115 || n === 116 || n === 109 || n === 100) {
        // 's 't 'm 'd
        out.push(i, i + 2);
        i += 2;
        continue;
      }
      if (i + 2 < end) {
        const n2 = text.charCodeAt(i + 2);
        if ((n === 114 && n2 === 101) || (n === 118 && n2 === 101) || (n === 108 && n2 === 108)) {
          // 're 've 'll
          out.push(i, i + 3);
          i += 3;
          continue;
        }
      }
    }
    let j = i;
    if (c === 32 && i + 1 < end) j = i + 1; // the optional leading space of the three word classes
    let kind = kindAt(j);
    if (j > i && kind === SPACE) {
      j = i;
      kind = SPACE;
    }
    if (kind === SPACE) {
      // \s+(?!\S): the whole run if it reaches the end or... else all but its last unit; \s+ otherwise.
      let k = i;
      while (k < end) {
        const cc = text.charCodeAt(k);
        if (cc < 0xd800 || cc > 0xdfff ? (classes[cc]! & SPACE) === 0 : true) break;
        k++; // every White_Space character is a single BMP unit
      }
      if (k < end && k - 1 > i) k--;
      out.push(i, k);
      i = k;
      continue;
    }
    // One of  ?\p{L}+,  ?\p{N}+,  ?[^\s\p{L}\p{N}]+ : a run of code points of the same kind.
    let k = j + size;
    while (k < end && kindAt(k) === kind) k += size;
    out.push(i, k);
    i = k;
  }
}
