import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GPT2_PATTERN } from '../src/pre-tokenizers/gpt2-split.js';
import { splitGpt2 } from '../src/pre-tokenizers/gpt2-split.js';
import { Spans } from '../src/pre-tokenizers/spans.js';
import { mixed, randomVariety, prng } from './corpus.js';
import { engineAgreesWithHf } from './gpt2-reference.js';

const viaRegex = (text: string): string[] => Array.from(text.matchAll(GPT2_PATTERN), (m) => m[0]);
const viaScanner = (text: string): string[] => {
  const spans = new Spans();
  splitGpt2(text, 0, text.length, spans);
  return spans.strings(text);
};

// Characters that exercise every branch of the pattern: contractions, the optional space, each class,
// whitespace runs followed or not by non-space, astral letters and digits, lone surrogates.
const UNITS = ["'", 's', 't', 'r', 'e', 'v', 'l', 'm', 'd', 'S', ' ', '  ', '\t', '\n', '\r', '\u3000', '\u00a0', 'a', 'Z', '1', '٣', '²', '你', '𝔘', '𝟙', '😀', '!', '.', '-', '_', '\u0301', '\ud800', '\udc00', '\u200b', '\ufeff'];

describe('GPT-2 pre-tokenizer scanner', () => {
  test('scanner pieces equal the GPT-2 regex pieces on the mixed sample', () => {
    expect(viaScanner(mixed)).toEqual(viaRegex(mixed));
  });

  test('scanner pieces equal the GPT-2 regex pieces on generated variety', () => {
    const text = randomVariety(prng(7), 200_000);
    expect(viaScanner(text)).toEqual(viaRegex(text));
  });

  test('property: scanner pieces equal the regex pieces for strings over tricky units', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...UNITS), { maxLength: 40 }), (units) => {
        const text = units.join('');
        expect(viaScanner(text)).toEqual(viaRegex(text));
      }),
      { numRuns: 3000, seed: 5 },
    );
  });

  test('property: scanner pieces equal the regex pieces for arbitrary strings (lone surrogates included; letters HF\'s Unicode lacks left out)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ maxLength: 30 }), (a, b) => {
        const text = a + b;
        fc.pre(engineAgreesWithHf(text));
        expect(viaScanner(text)).toEqual(viaRegex(text));
      }),
      { numRuns: 2000, seed: 6 },
    );
  });

  test('a sub-range is split as if it were the whole string', () => {
    const text = "xx  It's 12 apples!\n\n";
    const spans = new Spans();
    splitGpt2(text, 2, text.length, spans);
    expect(spans.strings(text)).toEqual(viaRegex(text.slice(2)));
  });
});
