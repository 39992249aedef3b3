// WordPiece parity: our BERT pipeline vs an independent implementation, @huggingface/tokenizers 0.2.0
// (the tokenizer library inside @huggingface/transformers v4), loaded from our tokenizer.json object
// (no network: the package never fetches when given the JSON). Vocabularies are trained here.
import { Tokenizer as HFTokenizer } from '@huggingface/tokenizers';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { bertWordPiece, Tokenizer, WordPieceTrainer } from '../src/index.js';
import { mixed, shakespeare } from './corpus.js';

interface HFEncoding {
  ids: number[];
  token_type_ids: number[];
}

const trainText = shakespeare.slice(0, 150_000) + '\n' + mixed;
// Known, documented differences of @huggingface/tokenizers from BERT/HF Rust that the generated text avoids:
// it pads only BMP CJK ideographs (UTF-16 loop) and treats unassigned code points as ordinary characters.
const UNITS = ['a', 'B', 'é', 'E\u0301', 'ñ', 'ß', 'İ', 'Σ', 'ς', 'Ω', 'д', 'Ж', '你', '好', '學', 'の', 'カ', '한', '😀', '👍🏽', '1', '42', '٣', ' ', '  ', '\t', '\n', '\u3000', '\u00a0', '.', ',', '!', '?', "'", '-', '(', ')', '"', '«', '¿', '—', '…', '#', '$', '%', '\u200b', '\u0000', '\ufffd', '\u0007', 'un', 'able', 'the', 'ing'];

function compare(ours: Tokenizer, reference: HFTokenizer, text: string, pair?: string): void {
  const expected = reference.encode(text, { text_pair: pair ?? null, return_token_type_ids: true }) as unknown as HFEncoding;
  const actual = ours.encode(text, pair);
  expect(Array.from(actual.ids), JSON.stringify(text)).toEqual(expected.ids);
  expect(Array.from(actual.typeIds)).toEqual(expected.token_type_ids);
}

describe.each([
  { name: 'uncased (lowercase + strip accents)', lowercase: true },
  { name: 'cased', lowercase: false },
])('WordPiece $name vs @huggingface/tokenizers', ({ lowercase }) => {
  let ours: Tokenizer;
  let reference: HFTokenizer;

  beforeAll(async () => {
    ours = bertWordPiece({ lowercase });
    await ours.train(trainText, new WordPieceTrainer({ vocabSize: 3000 }));
    reference = new HFTokenizer(ours.toJSON(), {});
  });

  test('the trained vocabulary has the requested size and BERT special tokens first', () => {
    expect(ours.getVocabSize()).toBe(3000);
    expect(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t) => ours.tokenToId(t))).toEqual([0, 1, 2, 3, 4]);
  });

  test('identical ids on every line of the mixed-language sample and 1 000 Shakespeare lines', () => {
    for (const line of [...mixed.split('\n'), ...shakespeare.split('\n').slice(5000, 6000)]) compare(ours, reference, line);
  });

  test('identical ids and token type ids on pairs', () => {
    const lines = mixed.split('\n').filter((l) => l.length > 0);
    for (let i = 0; i + 1 < lines.length; i += 2) compare(ours, reference, lines[i]!, lines[i + 1]!);
  });

  test('property: identical ids on strings mixing scripts, accents, CJK, emoji, punctuation and controls', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...UNITS), { maxLength: 30 }), (units) => compare(ours, reference, units.join(''))),
      { numRuns: 1500 },
    );
  });

  test('each CJK ideograph is its own word', () => {
    const tokens = ours.tokenize('中文分词');
    expect(tokens).toEqual(['中', '文', '分', '词'].map((c) => (ours.tokenToId(c) !== undefined ? c : '[UNK]')));
  });
});
