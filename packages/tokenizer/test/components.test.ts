// Normalizers, pre-tokenizers, models, decoders and added tokens on their own.
import { describe, expect, test } from 'vitest';
import {
  BertNormalizer,
  BertPreTokenizer,
  BPE,
  ByteLevel,
  ByteLevelDecoder,
  ByteLevelProcessing,
  CharLevel,
  decoderFromJSON,
  Lowercase,
  NFC,
  NFKC,
  NormalizerSequence,
  normalizeString,
  postProcessorFromJSON,
  preTokenizeString,
  StripAccents,
  TemplateProcessing,
  Tokenizer,
  TokenizerConfigError,
  Whitespace,
  WhitespaceSplit,
  WordPiece,
  WordPieceDecoder,
} from '../src/index.js';
import { gpt2 } from './gpt2-reference.js';

describe('normalizers', () => {
  test('NFC composes, NFKC folds compatibility characters', () => {
    expect(normalizeString(new NFC(), 'e\u0301')).toBe('é');
    expect(normalizeString(new NFKC(), 'ＡＢＣ１２３ ﬁ ①')).toBe('ABC123 fi 1');
  });

  test('lowercase and strip accents', () => {
    expect(normalizeString(new NormalizerSequence([new Lowercase(), new StripAccents()]), 'Crème BRÛLÉE Ångström')).toBe('creme brulee angstrom');
  });

  test('BERT normalizer: drops controls, maps whitespace to spaces, spaces around CJK ideographs', () => {
    const n = new BertNormalizer({ lowercase: false });
    expect(normalizeString(n, 'a\u0000b\u200bc\td\u3000e\ufffd')).toBe('abc d e');
    expect(normalizeString(n, 'AI是计算机')).toBe('AI 是  计  算  机 ');
    expect(normalizeString(n, 'カタカナ한국어')).toBe('カタカナ한국어');
  });

  test('offsets survive normalization: tokens map back to the original text', () => {
    const tok = new Tokenizer({
      model: new WordPiece({ vocab: { '[UNK]': 0, creme: 1, brulee: 2, 中: 3, 文: 4, '##e': 5 } }),
      normalizer: new BertNormalizer(),
      preTokenizer: new BertPreTokenizer(),
    });
    const text = 'Crème  BRÛLÉE中文';
    const e = tok.encode(text);
    expect(e.tokens).toEqual(['creme', 'brulee', '中', '文']);
    expect(e.offsetPairs.map(([s, t]) => text.slice(s, t))).toEqual(['Crème', 'BRÛLÉE', '中', '文']);
  });
});

describe('pre-tokenizers', () => {
  test('BERT: whitespace removed, each punctuation character its own piece', () => {
    expect(preTokenizeString(new BertPreTokenizer(), "Hello,  world! (it's)")).toEqual(['Hello', ',', 'world', '!', '(', 'it', "'", 's', ')']);
  });

  test('Whitespace and WhitespaceSplit', () => {
    expect(preTokenizeString(new Whitespace(), 'Hey man!! 3.5')).toEqual(['Hey', 'man', '!!', '3', '.', '5']);
    expect(preTokenizeString(new WhitespaceSplit(), 'Hey man!!\t3.5')).toEqual(['Hey', 'man!!', '3.5']);
  });

  test('ByteLevel: GPT-2 pieces, add_prefix_space inserts one leading space', () => {
    expect(preTokenizeString(new ByteLevel(), "Hello world  it's")).toEqual(['Hello', ' world', ' ', ' it', "'s"]);
    expect(preTokenizeString(new ByteLevel({ addPrefixSpace: true }), 'Hello')).toEqual([' Hello']);
  });
});

describe('models', () => {
  const wp = new WordPiece({ vocab: { '[UNK]': 0, un: 1, '##aff': 2, '##able': 3, a: 4, '##a': 5 } });
  const tokens = (text: string) => new Tokenizer({ model: wp, preTokenizer: new WhitespaceSplit() }).tokenize(text);

  test('WordPiece: greedy longest match first with ## pieces; an unmatchable word is one [UNK]', () => {
    expect(tokens('unaffable')).toEqual(['un', '##aff', '##able']);
    expect(tokens('unaffablex unaff')).toEqual(['[UNK]', 'un', '##aff']);
  });

  test('WordPiece: words over 100 characters are [UNK], 100 exactly are split', () => {
    expect(tokens('a'.repeat(100))).toEqual(['a', ...Array(99).fill('##a')]);
    expect(tokens('a'.repeat(101))).toEqual(['[UNK]']);
  });

  test('BPE with a continuation prefix and end-of-word suffix (generic path)', () => {
    const bpe = new BPE({
      vocab: { a: 0, '##b': 1, '##c</w>': 2, 'ab': 3, 'ab##c</w>': 4, '##b</w>': 5 },
      merges: [],
      continuingSubwordPrefix: '##',
      endOfWordSuffix: '</w>',
    });
    const tok = new Tokenizer({ model: bpe, preTokenizer: new WhitespaceSplit() });
    expect(tok.tokenize('abc ab')).toEqual(['a', '##b', '##c</w>', 'a', '##b</w>']);
  });

  test('BPE rejects a merge whose tokens are missing from the vocabulary, naming the merge', () => {
    expect(() => new BPE({ vocab: { a: 0, b: 1 }, merges: [['a', 'b']] })).toThrow(/merge 0 \("a", "b"\): token "ab"/);
  });

  test('CharLevel: one id per code point, astral characters included', () => {
    const tok = new Tokenizer({ model: new CharLevel({ vocab: { a: 0, '😀': 1, '<unk>': 2 }, unkToken: '<unk>' }) });
    expect(Array.from(tok.encodeIds('a😀b'))).toEqual([0, 1, 2]);
  });
});

describe('added-token matching (radix trie)', () => {
  test('leftmost-longest, as HF: overlapping and nested tokens, a failed single-word match is skipped past its end', () => {
    const tok = Tokenizer.fromJSON(new Tokenizer({ model: new WordPiece({ vocab: { '[UNK]': 0, x: 1 } }), preTokenizer: new WhitespaceSplit() }).toString());
    tok.addTokens(['ab', 'abc', 'bcd', 'b', { content: 'cd', singleWord: true }]);
    const pieces = (text: string): string[] => tok.encode(text).tokens;
    expect(pieces('abcd')).toEqual(['abc', '[UNK]']); // abc wins at 0 (longest), then "d"
    expect(pieces('xbcdab')).toEqual(['x', 'bcd', 'ab']);
    expect(pieces('abab')).toEqual(['ab', 'ab']);
    expect(pieces('x cd')).toEqual(['x', 'cd']); // single word
    expect(pieces('xcd')).toEqual(['[UNK]']); // not a whole word: skipped, the text goes to the model
    expect(pieces('😀b')).toEqual(['[UNK]', 'b']);
  });
});

describe('ByteLevel options', () => {
  test('pre-tokenizer, decoder and post-processor take the same options object and write HF\'s fields', () => {
    const options = { addPrefixSpace: true, trimOffsets: false, useRegex: false };
    const expected = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: false };
    expect(new ByteLevel(options).toJSON()).toEqual(expected);
    expect(new ByteLevelDecoder(options).toJSON()).toEqual(expected);
    expect(new ByteLevelProcessing(options).toJSON()).toEqual(expected);
    expect(decoderFromJSON(expected)).toMatchObject(options);
    expect(postProcessorFromJSON(expected)).toMatchObject(options);
    expect(new ByteLevelProcessing({ trimOffsets: false })).toMatchObject({ addPrefixSpace: true, trimOffsets: false, useRegex: true });
  });
});

describe('decoders, templates and added tokens', () => {
  test('WordPiece decoder joins ## pieces and cleans up spaces before punctuation', () => {
    expect(new WordPieceDecoder().decode(['un', '##aff', '##able', ',', 'isn', "'", 't', 'it', '?'])).toBe("unaffable, isn't it?");
  });

  test('template syntax: $B:1 and [SEP]:1 set type ids; a missing special token is named', () => {
    const t = new TemplateProcessing({ single: '[CLS] $A [SEP]', pair: '[CLS] $A [SEP] $B:1 [SEP]:1', specialTokens: [['[CLS]', 1], ['[SEP]', 2]] });
    expect(t.pair.map((p) => p.typeId)).toEqual([0, 0, 0, 1, 1]);
    expect(() => new TemplateProcessing({ single: '<s> $A </s>', specialTokens: [['<s>', 0]] })).toThrow(TokenizerConfigError);
    expect(() => new TemplateProcessing({ single: '<s> $A </s>', specialTokens: [['<s>', 0]] })).toThrow(/"<\/s>"/);
  });

  test('special tokens in text are single tokens, skipped by decode unless asked', () => {
    const { ours } = gpt2();
    const e = ours.encode('Hi<|endoftext|>there');
    expect(e.tokens).toEqual(['Hi', '<|endoftext|>', 'there']);
    expect(Array.from(e.specialTokensMask)).toEqual([0, 1, 0]);
    expect(ours.decode(e.ids)).toBe('Hithere');
    expect(ours.decode(e.ids, { skipSpecialTokens: false })).toBe('Hi<|endoftext|>there');
  });

  test('added tokens: new ids after the vocabulary, lstrip/rstrip swallow spaces, single_word needs word boundaries', () => {
    const tok = new Tokenizer({ model: new WordPiece({ vocab: { '[UNK]': 0, a: 1, b: 2 } }), preTokenizer: new WhitespaceSplit() });
    expect(tok.addTokens([{ content: '<mask>', lstrip: true, rstrip: true }, { content: 'xy', singleWord: true }])).toBe(2);
    expect(tok.tokenToId('<mask>')).toBe(3);
    expect(tok.getVocabSize()).toBe(5);
    const e = tok.encode('a  <mask>  b xy axy');
    expect(e.tokens).toEqual(['a', '<mask>', 'b', 'xy', '[UNK]']);
    expect(e.offsetPairs[1]).toEqual([1, 11]);
  });
});
