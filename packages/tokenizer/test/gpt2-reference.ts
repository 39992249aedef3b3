// The reference GPT-2 encoders (js-tiktoken's ranks) and our tokenizer built from the same ranks,
// loaded once per test file.
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import { Tiktoken } from 'js-tiktoken/lite';
import { fromTiktokenRanks } from '../src/index.js';
import type { Tokenizer } from '../src/index.js';
import { gpt2Kind } from '../src/pre-tokenizers/gpt2-split.js';

let cached: { ours: Tokenizer; reference: Tiktoken } | undefined;

export function gpt2(): { ours: Tokenizer; reference: Tiktoken } {
  cached ??= { ours: fromTiktokenRanks(gpt2Ranks), reference: new Tiktoken(gpt2Ranks) };
  return cached;
}

/**
 * js-tiktoken runs GPT-2's regex with JavaScript's \s (U+FEFF in, U+0085 out) and the engine's Unicode
 * version; HF tokenizers and tiktoken do neither. True when `text` has no code point on which the two
 * readings differ, so that js-tiktoken is a valid oracle for it (test/gpt2-unicode.test.ts covers the rest).
 */
export function jsRegexAgreesWithHf(text: string, space = /\s/u): boolean {
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const js = /\p{L}/u.test(ch) ? 1 : /\p{N}/u.test(ch) ? 2 : space.test(ch) ? 4 : 0;
    if (js !== gpt2Kind(cp)) return false;
  }
  return true;
}

/** The engine's \p{L} and \p{N} (GPT2_PATTERN) agree with HF's older Unicode on every code point of `text`. */
export const engineAgreesWithHf = (text: string): boolean => jsRegexAgreesWithHf(text, /\p{White_Space}/u);
