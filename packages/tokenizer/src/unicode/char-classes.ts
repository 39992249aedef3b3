// Character classes the pre-tokenizers and normalizers need, answered from lazily built BMP tables
// (one regex test per BMP code point, once) so that hot loops never run a regex per character.

/** \p{L} */
export const LETTER = 1;
/** \p{N} */
export const NUMBER = 2;
/** Unicode White_Space: Rust's char::is_whitespace and regex \s (GPT-2's split in HF and tiktoken, BERT). */
export const WHITE_SPACE = 8;
/** BERT's "control": general category C (Cc, Cf, Cn, Co, Cs) except \t \n \r. */
export const CONTROL = 16;
/** BERT's punctuation: ASCII punctuation or general category P. */
export const PUNCTUATION = 32;
/** \p{Mn}, removed by strip-accents. */
export const NONSPACING_MARK = 64;
/** \p{M}: a mark continues the character before it. */
export const MARK = 128;
/** \w in ASCII: [A-Za-z0-9_] as in HF's Whitespace pre-tokenizer (Oniguruma \w is Unicode: see below). */
export const WORD = 256;

const TESTS: Array<[number, RegExp]> = [
  [LETTER, /^\p{L}$/u],
  [NUMBER, /^\p{N}$/u],
  [WHITE_SPACE, /^\p{White_Space}$/u],
  [CONTROL, /^\p{C}$/u],
  [PUNCTUATION, /^\p{P}$/u],
  [NONSPACING_MARK, /^\p{Mn}$/u],
  [MARK, /^\p{M}$/u],
  // Oniguruma's \w (HF's Whitespace pre-tokenizer `\w+|[^\w\s]+`) is Unicode: letters, marks, numbers, connectors.
  [WORD, /^[\p{L}\p{M}\p{N}\p{Pc}]$/u],
];

let bmp: Uint16Array | undefined;
const astral = new Map<number, number>();

function classify(cp: number): number {
  const s = String.fromCodePoint(cp);
  let flags = 0;
  for (const [flag, re] of TESTS) if (re.test(s)) flags |= flag;
  if (cp === 9 || cp === 10 || cp === 13) flags &= ~CONTROL;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
    flags |= PUNCTUATION;
  }
  return flags;
}

function buildBmp(): Uint16Array {
  const table = new Uint16Array(0x10000);
  for (let cp = 0; cp < 0x10000; cp++) table[cp] = classify(cp);
  return table;
}

/** The class flags of a code point (a lone surrogate is category Cs: CONTROL). */
export function charClass(cp: number): number {
  if (cp < 0x10000) return (bmp ??= buildBmp())[cp]!;
  let flags = astral.get(cp);
  if (flags === undefined) {
    flags = classify(cp);
    if (astral.size < 1 << 16) astral.set(cp, flags);
  }
  return flags;
}

/** The BMP table itself, for loops that inline the lookup. */
export function bmpClasses(): Uint16Array {
  return (bmp ??= buildBmp());
}

/** BERT's CJK ideograph ranges (BasicTokenizer._is_chinese_char): each such character becomes a word. */
export function isCjkIdeograph(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** The code point at `i` (a lone surrogate is returned as itself). */
export function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
  }
  return c;
}
