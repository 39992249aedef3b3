// GPT-2's byte-level BPE against HF tokenizers on whitespace-like and format characters. The fixtures
// come from test/fixtures/gen_gpt2_unicode.py (HF tokenizers, with tiktoken checked to agree), built
// from the same js-tiktoken ranks as our tokenizer; exact ids, no tolerance.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { GPT2_PATTERN } from '../src/index.js';
import { gpt2Kind, splitGpt2 } from '../src/pre-tokenizers/gpt2-split.js';
import { Spans } from '../src/pre-tokenizers/spans.js';
import { engineAgreesWithHf, gpt2 } from './gpt2-reference.js';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
const classes = fixture<{ runs: Array<[number, 'L' | 'N' | 'S' | 'O']> }>('gpt2-unicode-classes.json');
const cases = fixture<{ cases: Array<[string, number[]]> }>('gpt2-unicode-cases.json');

/** The class GPT-2's split gives a code point: letter, number, space or other. */
function ourClass(cp: number): 'L' | 'N' | 'S' | 'O' {
  return (['O', 'L', 'N', 'O', 'S'] as const)[gpt2Kind(cp)]!;
}

describe('GPT-2 pre-tokenizer on Unicode, against HF tokenizers', () => {
  test("every code point is a letter, number, space or other exactly as in HF's GPT-2 regex", () => {
    const wrong: string[] = [];
    const runs = classes.runs;
    for (let r = 0; r < runs.length; r++) {
      const [first, expected] = runs[r]!;
      const end = r + 1 < runs.length ? runs[r + 1]![0] : 0x110000;
      for (let cp = first; cp < end; cp++) {
        const got = ourClass(cp);
        if (got !== expected && wrong.push(`U+${cp.toString(16).toUpperCase()} ${got}≠${expected}`) > 20) break;
      }
    }
    expect(wrong).toEqual([]);
  });

  test('every White_Space and Cf code point, in 35 positions, encodes to the ids HF tokenizers gives', () => {
    const { ours } = gpt2();
    const wrong: string[] = [];
    for (const [text, ids] of cases.cases) {
      const got = Array.from(ours.encodeIds(text));
      if (got.join() !== ids.join()) wrong.push(`${JSON.stringify(text)}: ${got.join()} ≠ ${ids.join()}`);
    }
    expect(cases.cases.length).toBeGreaterThan(6000);
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  test('GPT2_PATTERN (White_Space spelled out) and the scanner split the fixture strings alike', () => {
    for (const [text] of cases.cases) {
      if (!engineAgreesWithHf(text)) continue;
      const spans = new Spans();
      splitGpt2(text, 0, text.length, spans);
      expect(spans.strings(text)).toEqual(Array.from(text.matchAll(GPT2_PATTERN), (m) => m[0]));
    }
  });

  test('decode(encode(x)) === x on every fixture string (U+FEFF first included)', () => {
    const { ours } = gpt2();
    for (const [text] of cases.cases) expect(ours.decode(ours.encodeIds(text))).toBe(text);
  });
});
