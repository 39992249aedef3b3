// GPT-2 parity: our byte-level BPE, built from js-tiktoken's gpt2 ranks (vocabulary and merges
// derived from them), must produce exactly js-tiktoken's ids. Reference: js-tiktoken 1.0.21.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ByteLevelDecoder } from '../src/index.js';
import { mixed, mixedCorpus, shakespeare } from './corpus.js';
import { gpt2, jsRegexAgreesWithHf } from './gpt2-reference.js';

const utf8Bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

describe('GPT-2 byte-level BPE vs js-tiktoken gpt2', () => {
  test('the tokenizer derived from the ranks has GPT-2 vocabulary size and merges', () => {
    const { ours } = gpt2();
    expect(ours.getVocabSize()).toBe(50257);
    expect(ours.tokenToId('<|endoftext|>')).toBe(50256);
    expect(ours.tokenToId('Ġthe')).toBe(262);
  });

  test('identical ids on ≥ 1 MB of mixed text (prose, code, whitespace runs, numbers, emoji, CJK)', () => {
    const { ours, reference } = gpt2();
    const text = mixedCorpus(1_100_000);
    expect(utf8Bytes(text)).toBeGreaterThanOrEqual(1_000_000);
    const expected = reference.encode(text);
    const actual = ours.encodeIds(text);
    const at = firstDifference(actual, expected);
    if (at >= 0) {
      const context = ours.decode(expected.slice(Math.max(0, at - 5), at + 5));
      expect.fail(`first difference at token ${at} near ${JSON.stringify(context)}`);
    }
    expect(actual.length).toBe(expected.length);
  });

  test('identical ids on Shakespeare and the mixed sample, line by line (cold cache per line shape)', () => {
    const { ours, reference } = gpt2();
    for (const line of [...shakespeare.split('\n').slice(0, 2000), ...mixed.split('\n')]) {
      expect(Array.from(ours.encodeIds(line)), line).toEqual(reference.encode(line));
    }
  });

  test('property: identical ids on arbitrary strings (full Unicode, lone surrogates included) where js-tiktoken reads the regex as HF does', () => {
    const { ours, reference } = gpt2();
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ maxLength: 200 })), (text) => {
        fc.pre(jsRegexAgreesWithHf(text));
        expect(Array.from(ours.encodeIds(text))).toEqual(reference.encode(text));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  test('long pieces take the heap merge path and still match (runs of 900 to 3 000 characters)', () => {
    const { ours, reference } = gpt2();
    for (const text of ['a'.repeat(1500), ' '.repeat(3000), '!?'.repeat(600), '你好'.repeat(300), '😀'.repeat(300), 'ab1'.repeat(500)]) {
      expect(Array.from(ours.encodeIds(text))).toEqual(reference.encode(text));
    }
  });
});

describe('GPT-2 round trip', () => {
  test('property: decode(encode(x)) === x for every well-formed string', () => {
    const { ours } = gpt2();
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 100 }), fc.string({ maxLength: 200 })), (text) => {
        expect(ours.decode(ours.encodeIds(text))).toBe(text);
      }),
      { numRuns: 2000, seed: 3 },
    );
  });

  test('property: a leading U+FEFF survives decode(encode(x)) (it is text, not a byte-order mark)', () => {
    const { ours } = gpt2();
    const decoder = new ByteLevelDecoder();
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.integer({ min: 1, max: 3 }), (rest, n) => {
        const text = '\ufeff'.repeat(n) + rest;
        const ids = ours.encodeIds(text);
        expect(ours.decode(ids)).toBe(text);
        expect(decoder.decode(ours.tokenize(text))).toBe(text);
      }),
      { numRuns: 500, seed: 4 },
    );
  });

  test('decode(encode(x)) === x on the 1 MB corpus and Chinese text', () => {
    const { ours } = gpt2();
    const text = mixedCorpus(1_100_000);
    expect(ours.decode(ours.encodeIds(text))).toBe(text);
    const chinese = '人工智能是计算机科学的一个分支。《红楼梦》是中国古典四大名著之一。';
    expect(ours.decode(ours.encode(chinese).ids)).toBe(chinese);
  });

  test('a lone surrogate is encoded as U+FFFD (like TextEncoder and js-tiktoken) and decodes to U+FFFD, without throwing', () => {
    const { ours, reference } = gpt2();
    for (const text of ['a\ud800b', '\udc00', 'x\ud83d', '\ud83d\ud83d\ude00']) {
      const ids = ours.encodeIds(text);
      expect(Array.from(ids)).toEqual(reference.encode(text));
      expect(ours.decode(ids)).toBe(Buffer.from(text, 'utf8').toString('utf8')); // lone halves → U+FFFD
    }
  });

  test('decoding ids cut inside a character gives U+FFFD, never throws', () => {
    const { ours } = gpt2();
    const ids = ours.encodeIds('😀');
    expect(ids.length).toBeGreaterThan(1);
    expect(ours.decode(ids.subarray(0, 1))).toBe('\ufffd');
  });
});
