// Hostile input, generated: mutations of real tokenizer.json files, deep nesting, huge tokens and
// values. Every input must give a working tokenizer or a TokenizerError with a short message, within
// a time bound and without runaway memory; never a TypeError, RangeError or a hang.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fromTiktokenRanks, gpt2FromFiles, bertFromVocabTxt, Tokenizer, TokenizerError, TokenizerFormatError, toGpt2Files } from '../src/index.js';

const fx = JSON.parse(readFileSync(new URL('./fixtures/untrusted-files.json', import.meta.url), 'utf8')) as {
  sample: string;
  bases: Record<string, Record<string, unknown>>;
};
const baseTexts = Object.values(fx.bases).map((b) => JSON.stringify(b));

/** Runs `f`; a thrown value must be a TokenizerError with a short message. Returns the time taken. */
function expectTokenizerErrorOrValue(f: () => void): number {
  const start = performance.now();
  try {
    f();
  } catch (e) {
    if (!TokenizerError.isInstance(e)) throw e;
    expect(e.message.length, e.message.slice(0, 200)).toBeLessThan(400);
  }
  return performance.now() - start;
}

function loadAndUse(text: string): void {
  const tok = Tokenizer.fromJSON(text);
  const e = tok.encode(fx.sample, 'a pair');
  tok.decode(e.ids);
  tok.tokenIds();
  tok.toString();
}

/** Every [path to a container, key] of a JSON value, walked iteratively. */
function slots(root: unknown): Array<[unknown, string | number]> {
  const out: Array<[unknown, string | number]> = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) node.slice(0, 3).forEach((v, i) => (out.push([node, i]), stack.push(v)));
    else if (typeof node === 'object' && node !== null) {
      for (const [k, v] of Object.entries(node)) {
        out.push([node, k]);
        if (k !== 'vocab') stack.push(v);
      }
    }
  }
  return out;
}

const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, false, 'false', 'true', '', -1, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, -0, 1e308, [], {}, [null], ['a', 'b', 'c'], 'Ġ t h'),
);

describe('fuzz: mutated tokenizer.json files', () => {
  test('property: setting, deleting or duplicating any field of a real file gives a tokenizer or a TokenizerError, each within 1 s and without runaway memory', () => {
    let slowest = 0;
    let peakHeap = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    fc.assert(
      fc.property(fc.nat(baseTexts.length - 1), fc.nat(), fc.constantFrom('set', 'delete', 'copy'), hostileValue, (b, pick, op, value) => {
        const json = JSON.parse(baseTexts[b]!) as unknown;
        const all = slots(json);
        const [node, key] = all[pick % all.length]!;
        const target = node as Record<string | number, unknown>;
        if (op === 'delete') delete target[key];
        else if (op === 'set') target[key] = value;
        else target[key] = structuredClone(all[(pick * 7) % all.length]![0]);
        slowest = Math.max(slowest, expectTokenizerErrorOrValue(() => loadAndUse(JSON.stringify(json))));
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      }),
      { numRuns: 1500, seed: 20251202 },
    );
    expect(slowest).toBeLessThan(1000);
    // A mutated 400-token file never makes the heap grow by more than 256 MB (e.g. a padding or id table sized by a hostile number).
    expect(peakHeap - heapBefore).toBeLessThan(256 * 2 ** 20);
  });

  test('property: a real file cut short or with a byte changed gives a tokenizer or a TokenizerError', () => {
    fc.assert(
      fc.property(fc.nat(baseTexts.length - 1), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (b, at, byte, cut) => {
        const text = baseTexts[b]!;
        const i = at % text.length;
        const mutated = cut ? text.slice(0, i) : text.slice(0, i) + String.fromCharCode(byte) + text.slice(i + 1);
        expectTokenizerErrorOrValue(() => loadAndUse(mutated));
      }),
      { numRuns: 1500, seed: 7 },
    );
  });

  test('property: vocab.json + merges.txt and vocab.txt with random lines give a tokenizer or a TokenizerError', () => {
    const { vocabJson, mergesTxt } = toGpt2Files(Tokenizer.fromJSON(baseTexts[0]!));
    const lines = mergesTxt.split('\n');
    fc.assert(
      fc.property(fc.nat(), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), (at, line, value) => {
        const merges = [...lines];
        merges.splice(at % merges.length, 1, line);
        expectTokenizerErrorOrValue(() => gpt2FromFiles(vocabJson, merges.join('\n')).encode(fx.sample));
        const vocab = JSON.parse(vocabJson) as Record<string, unknown>;
        vocab[line] = value;
        expectTokenizerErrorOrValue(() => gpt2FromFiles(JSON.stringify(vocab), mergesTxt).encode(fx.sample));
        expectTokenizerErrorOrValue(() => bertFromVocabTxt(`[UNK]\n${line}\nhello\n`).encode(fx.sample));
      }),
      { numRuns: 800, seed: 99 },
    );
  });

  test('property: tiktoken ranks with a changed line, offset or special token give a tokenizer or a TokenizerError', () => {
    const ranks = { pat_str: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", special_tokens: { '<|endoftext|>': 300 } };
    const tokens = ['YQ==', 'Yg==', 'YWI=', 'IA==', 'IGFi'];
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.nat(5), hostileValue, (junk, at, special) => {
        const parts = [...tokens];
        parts.splice(at, 0, junk);
        expectTokenizerErrorOrValue(() => fromTiktokenRanks({ ...ranks, bpe_ranks: `! 0 ${parts.join(' ')}\n` }).encode('ab ab'));
        expectTokenizerErrorOrValue(() => fromTiktokenRanks({ ...ranks, special_tokens: { x: special } as never, bpe_ranks: `! 0 ${tokens.join(' ')}\n` }).encode('ab'));
        expectTokenizerErrorOrValue(() => fromTiktokenRanks({ ...ranks, bpe_ranks: `! ${junk} ${tokens.join(' ')}\n` }));
        expectTokenizerErrorOrValue(() => fromTiktokenRanks(special as never));
      }),
      { numRuns: 500, seed: 5 },
    );
  });
});

describe('hostile structures', () => {
  const base = (): Record<string, unknown> => structuredClone(fx.bases.bert!);

  test('10^5 levels of nesting, under an unknown field or in a Sequence, is a TokenizerFormatError, quickly (no stack overflow)', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const text = JSON.stringify(base()).replace('"pre_tokenizer":{', `"pre_tokenizer":{"unknown":${deep},`);
    expect(() => Tokenizer.fromJSON(text)).toThrow(/nested deeper than 127 levels/);
    let seq: unknown = { type: 'NFC' };
    for (let i = 0; i < 100_000; i++) seq = { type: 'Sequence', normalizers: [seq] };
    const start = performance.now();
    expect(() => Tokenizer.fromJSON({ ...base(), normalizer: seq } as never)).toThrow(TokenizerFormatError);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  test('a cyclic object is a TokenizerFormatError, not a stack overflow', () => {
    const json = base();
    const normalizer: Record<string, unknown> = { type: 'Sequence' };
    normalizer.normalizers = [normalizer];
    json.normalizer = normalizer;
    expect(() => Tokenizer.fromJSON(json as never)).toThrow(/nested deeper/);
  });

  test('ids: negative, fractional, ≥ 2^32, Infinity, strings are TokenizerFormatErrors naming the field', () => {
    for (const id of [-1, 0.5, 2 ** 32, Infinity, NaN, '3', { x: 1 }]) {
      const json = base();
      (json.added_tokens as Array<Record<string, unknown>>)[0]!.id = id;
      expect(() => Tokenizer.fromJSON(json as never)).toThrow(/added_tokens\[0\]\.id: expected a token id/);
    }
  });

  test('options are real booleans: "false" is an error, not true', () => {
    const json = base();
    (json.normalizer as Record<string, unknown>).lowercase = 'false';
    expect(() => Tokenizer.fromJSON(json as never)).toThrow(/normalizer\.lowercase: expected true or false, got the string "false"/);
  });

  test('three-element merges and merges that are not pairs are rejected', () => {
    const json = structuredClone(fx.bases.bytelevel!) as { model: { merges: unknown[] } };
    for (const bad of [['a', 'b', 'c'], 5, null, false, 'a b c', 'ab']) {
      json.model.merges[0] = bad;
      expect(() => Tokenizer.fromJSON(json as never)).toThrow(/BPE merge 0: expected/);
    }
  });

  test('a 50 MB value in a message is cut to a short quotation', () => {
    const huge = 'x'.repeat(50_000_000);
    const json = base();
    (json.model as Record<string, unknown>).unk_token = huge;
    const tok = Tokenizer.fromJSON(json as never);
    let message = '';
    try {
      tok.encode('ꙮ'); // a letter outside the vocabulary: the unknown word needs unk_token
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/unk_token "x{60}…" \(50000000 chars\)/);
    expect(message.length).toBeLessThan(200);
    expect(() => Tokenizer.fromJSON({ ...base(), normalizer: { type: huge } } as never)).toThrow(/normalizer x{60}… \(50000000 chars\)$/);
  });

  test.each([1_000_000, 50_000_000])('an added token of %i characters is matched in linear time', (size) => {
    const token = '<' + 'a'.repeat(size - 2) + '>';
    const tok = Tokenizer.fromJSON(baseTexts[0]!);
    tok.addSpecialTokens([token]);
    tok.encodeIds(`warm up ${'a'.repeat(1000)}`); // tables, caches and the trie, once
    const start = performance.now();
    // The token twice, and a near miss (its first 1 000 characters) that the scan gives up on.
    const ids = tok.encodeIds(`hello ${token} world ${token}${token.slice(0, 1000)}`);
    const elapsed = performance.now() - start;
    expect(Array.from(ids).filter((id) => id === tok.tokenToId(token))).toHaveLength(2);
    // Linear: ~2 s for 100 M characters of text on a busy 2-core machine (one regex threw a SyntaxError at 1 MB).
    expect(elapsed).toBeLessThan(500 + size / 10_000);
  });

  test('a tokenizer.json that asks for padding to 2^32 tokens is a TokenizerError, not an allocation', () => {
    const json = structuredClone(fx.bases.bytelevel!) as Record<string, Record<string, unknown>>;
    json.padding!.pad_to_multiple_of = 2 ** 32;
    const tok = Tokenizer.fromJSON(json as never);
    expect(() => tok.encodeBatch(['a', 'b'])).toThrow(TokenizerError);
  });
});
