// tokenizer.json I/O: exact round trips (including HF files whose optional fields differ from what we
// would write), GPT-2 vocab.json + merges.txt, BERT vocab.txt, and errors naming unsupported parts.
import { describe, expect, test } from 'vitest';
import {
  bertFromVocabTxt,
  bertWordPiece,
  gpt2FromFiles,
  toBertVocabTxt,
  toGpt2Files,
  Tokenizer,
  TokenizerError,
  TokenizerFormatError,
  UnsupportedComponentError,
  WordPieceTrainer,
  type TokenizerJSON,
} from '../src/index.js';
import { mixed } from './corpus.js';
import { gpt2 } from './gpt2-reference.js';

const added = (id: number, content: string, special = true, normalized = false) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized,
  special,
});

/** A small file in the layout of bert-base-uncased's tokenizer.json (HF tokenizers 0.13+). */
function bertStyleJSON(): TokenizerJSON {
  const tokens = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'un', '##aff', '##able', 'hello', 'world', ',', '!', '中', '文', 'cafe'];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [added(0, '[PAD]'), added(1, '[UNK]'), added(2, '[CLS]'), added(3, '[SEP]'), added(4, '[MASK]')],
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(tokens.map((t, i) => [t, i])),
    },
  };
}

/** A small file in the layout of gpt2's tokenizer.json: string merges, no ignore_merges field. */
function gpt2StyleJSON(): TokenizerJSON {
  const { ours } = gpt2();
  const full = ours.toJSON();
  const vocab = full.model.vocab as Record<string, number>;
  const keep = Object.fromEntries(Object.entries(vocab).filter(([, id]) => id < 300));
  const merges = (full.model.merges as string[][]).slice(0, 44).map(([a, b]) => `${a} ${b}`);
  return {
    version: '1.0',
    truncation: { direction: 'Right', max_length: 1024, strategy: 'LongestFirst', stride: 0 },
    padding: null,
    added_tokens: [added(50256, '<|endoftext|>', true, true)],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab: keep,
      merges,
    },
  };
}

describe('tokenizer.json', () => {
  test.each([
    ['BERT-style (WordPiece, TemplateProcessing)', bertStyleJSON],
    ['GPT-2-style (string merges, no ignore_merges, truncation set)', gpt2StyleJSON],
  ])('%s: load then save reproduces the file byte for byte', (_, make) => {
    const text = JSON.stringify(make(), null, 2);
    expect(Tokenizer.fromJSON(text).toString()).toBe(text);
  });

  test('an unknown field of a component survives the round trip; an unknown top-level field is rejected, as HF does', () => {
    const json = bertStyleJSON() as TokenizerJSON & { extra?: unknown };
    (json.normalizer as Record<string, unknown>).future_flag = 'x';
    const text = JSON.stringify(json, null, 2);
    expect(Tokenizer.fromJSON(text).toString()).toBe(text);
    json.extra = { a: 1 };
    expect(() => Tokenizer.fromJSON(json)).toThrow(/unknown top-level field "extra"/);
  });

  test('GPT-2 (50 257 tokens) and a trained WordPiece tokenizer round-trip exactly and encode the same', async () => {
    const { ours } = gpt2();
    const text = ours.toString();
    const back = Tokenizer.fromJSON(text);
    expect(back.toString()).toBe(text);
    expect(Array.from(back.encodeIds(mixed))).toEqual(Array.from(ours.encodeIds(mixed)));

    const bert = bertWordPiece();
    await bert.train(mixed, new WordPieceTrainer({ vocabSize: 400 }));
    const bertText = bert.toString();
    const bertBack = Tokenizer.fromJSON(bertText);
    expect(bertBack.toString()).toBe(bertText);
    expect(Array.from(bertBack.encode(mixed, 'pair text').ids)).toEqual(Array.from(bert.encode(mixed, 'pair text').ids));
  });

  test('the BERT-style file encodes like BERT: [CLS] a [SEP] b [SEP], type ids 0…0 1…1', () => {
    const tok = Tokenizer.fromJSON(bertStyleJSON());
    const e = tok.encode('Hello, UNAFFABLE world!', '中文 Café');
    expect(e.tokens).toEqual(['[CLS]', 'hello', ',', 'un', '##aff', '##able', 'world', '!', '[SEP]', '中', '文', 'cafe', '[SEP]']);
    expect(Array.from(e.typeIds)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(e.specialTokensMask)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(tok.decode(e.ids)).toBe('hello, unaffable world! 中 文 cafe');
  });

  test.each([
    ['normalizer', { type: 'Precompiled', precompiled_charsmap: '' }, 'normalizer Precompiled'],
    ['pre_tokenizer', { type: 'Metaspace', replacement: '▁' }, 'pre_tokenizer Metaspace'],
    ['model', { type: 'Unigram', vocab: [] }, 'model Unigram'],
    ['post_processor', { type: 'Sequence', processors: [] }, 'post_processor Sequence'],
    ['decoder', { type: 'CTC' }, 'decoder CTC'],
  ])('an unsupported %s throws UnsupportedComponentError naming it', (field, value, name) => {
    const json = { ...bertStyleJSON(), [field]: value } as TokenizerJSON;
    let error: unknown;
    try {
      Tokenizer.fromJSON(json);
    } catch (e) {
      error = e;
    }
    expect(UnsupportedComponentError.isInstance(error)).toBe(true);
    expect((error as UnsupportedComponentError).component).toBe(name);
    expect((error as Error).message).toContain(name);
    expect(TokenizerError.isInstance(error)).toBe(true);
  });

  test('malformed input gives TokenizerFormatError', () => {
    expect(() => Tokenizer.fromJSON('{not json')).toThrow(TokenizerFormatError);
    const json = bertStyleJSON();
    json.model = { type: 'BPE', vocab: { a: 0 }, merges: [['a', 'b']] };
    expect(() => Tokenizer.fromJSON(json)).toThrow(/merge 0 .*"b" is not in the vocabulary/);
  });
});

describe('GPT-2 vocab.json + merges.txt and BERT vocab.txt', () => {
  test('GPT-2 files round-trip exactly and load to the same ids', () => {
    const { ours } = gpt2();
    const files = toGpt2Files(ours);
    expect(files.mergesTxt.startsWith('#version: 0.2\nĠ t\n')).toBe(true);
    const back = gpt2FromFiles(files.vocabJson, files.mergesTxt);
    expect(toGpt2Files(back)).toEqual(files);
    expect(back.tokenToId('<|endoftext|>')).toBe(50256);
    expect(Array.from(back.encodeIds(mixed))).toEqual(Array.from(ours.encodeIds(mixed)));
  });

  test('BERT vocab.txt round-trips exactly', () => {
    const vocabTxt = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', '##s', 'world', '.'].join('\n') + '\n';
    const tok = bertFromVocabTxt(vocabTxt);
    expect(toBertVocabTxt(tok)).toBe(vocabTxt);
    expect(tok.encode('Hellos world.').tokens).toEqual(['[CLS]', 'hello', '##s', 'world', '.', '[SEP]']);
  });
});
