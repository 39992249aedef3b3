// Test corpora built deterministically from the committed samples in test/data (never from outside
// the package): tiny Shakespeare (first 300 kB), hand-written mixed text, and generated variety.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dataPath = (name: string): string => fileURLToPath(new URL(`./data/${name}`, import.meta.url));

export const shakespeare = readFileSync(dataPath('tinyshakespeare-300k.txt'), 'utf8');
export const mixed = readFileSync(dataPath('mixed.txt'), 'utf8');

/** mulberry32: a small seeded PRNG so the generated corpus is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EMOJI = ['😀', '🤖', '🎉', '👍🏽', '👩‍💻', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇫🇷', '❤️', '☕', '1️⃣', '🧪'];
const WHITESPACE = [' ', '  ', '\t', '\n', '\n\n', '\r\n', '    ', ' \n', '\u3000', '\u00a0'];

/** Random text of `length` UTF-16 units mixing CJK, emoji, numbers, code-ish symbols and whitespace runs. */
export function randomVariety(rand: () => number, length: number): string {
  const parts: string[] = [];
  let n = 0;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  while (n < length) {
    const r = rand();
    let s: string;
    if (r < 0.15) s = String.fromCodePoint(...Array.from({ length: 1 + Math.floor(rand() * 12) }, () => 0x4e00 + Math.floor(rand() * 0x5000)));
    else if (r < 0.22) s = String.fromCodePoint(...Array.from({ length: 1 + Math.floor(rand() * 8) }, () => 0x3040 + Math.floor(rand() * 0xc0)));
    else if (r < 0.27) s = String.fromCodePoint(...Array.from({ length: 1 + Math.floor(rand() * 6) }, () => 0xac00 + Math.floor(rand() * 0x2ba4)));
    else if (r < 0.35) s = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(EMOJI)).join('');
    else if (r < 0.47) s = String(Math.floor(rand() * 10 ** (1 + Math.floor(rand() * 15))));
    else if (r < 0.6) s = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(WHITESPACE)).join('');
    else if (r < 0.7) s = pick(["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "''", "'"]);
    else if (r < 0.8) s = pick(['{', '}', '()', '=>', '===', '!=', '/*', '*/', '//', '#', '$x', '@decorator', '...', '->', '::', '<T>', ';']);
    else s = String.fromCharCode(...Array.from({ length: 1 + Math.floor(rand() * 9) }, () => 0x61 + Math.floor(rand() * 26)));
    parts.push(s);
    n += s.length;
  }
  return parts.join('');
}

/**
 * At least `minBytes` of UTF-8: Shakespeare, the mixed sample, and random variety, interleaved in
 * shuffled blocks of lines.
 */
export function mixedCorpus(minBytes = 1_100_000, seed = 42): string {
  const rand = prng(seed);
  const lines = [...shakespeare.split('\n'), ...mixed.split('\n')];
  const blocks: string[] = [];
  let bytes = 0;
  while (bytes < minBytes) {
    const r = rand();
    let block: string;
    if (r < 0.55) {
      const start = Math.floor(rand() * lines.length);
      block = lines.slice(start, start + 1 + Math.floor(rand() * 40)).join('\n');
    } else if (r < 0.75) block = mixed;
    else block = randomVariety(rand, 200 + Math.floor(rand() * 2000));
    blocks.push(block);
    bytes += Buffer.byteLength(block, 'utf8') + 1;
  }
  return blocks.join('\n');
}
