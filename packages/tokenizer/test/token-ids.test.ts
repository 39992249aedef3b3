// Tokenizer.tokenIds(): the vocabulary size and special-token ids that model and objective configs take.
import { describe, expect, test } from 'vitest';
import {
  bertFromVocabTxt,
  bertWordPiece,
  CharTrainer,
  charLevel,
  Tokenizer,
  TokenizerConfigError,
  WordPieceTrainer,
  type TokenizerIds,
} from '../src/index.js';
import { shakespeare } from './corpus.js';
import { gpt2 } from './gpt2-reference.js';

describe('tokenIds', () => {
  test('the bertWordPiece preset: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, no bos/eos', () => {
    const ids: TokenizerIds = bertWordPiece().tokenIds();
    expect(ids).toEqual({ vocabSize: 5, padTokenId: 0, unkTokenId: 1, clsTokenId: 2, sepTokenId: 3, maskTokenId: 4 });
  });

  test('a WordPiece vocabulary trained from the preset keeps the preset ids (pad id 0 is [PAD]) and reports its size', async () => {
    const tok = bertWordPiece();
    await tok.train(shakespeare.slice(0, 50_000), new WordPieceTrainer({ vocabSize: 400 }));
    expect(tok.tokenIds()).toEqual({ vocabSize: 400, padTokenId: 0, unkTokenId: 1, clsTokenId: 2, sepTokenId: 3, maskTokenId: 4 });
    const e = tok.encode('to be');
    expect([e.ids[0], e.ids.at(-1)]).toEqual([2, 3]);
  });

  test("BERT's vocab.txt layout ([PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103)", () => {
    const lines = Array.from({ length: 120 }, (_, i) => `[unused${i}]`);
    Object.assign(lines, { 0: '[PAD]', 100: '[UNK]', 101: '[CLS]', 102: '[SEP]', 103: '[MASK]', 110: 'hello' });
    const ids = bertFromVocabTxt(lines.join('\n') + '\n').tokenIds();
    expect(ids).toEqual({ vocabSize: 120, padTokenId: 0, unkTokenId: 100, clsTokenId: 101, sepTokenId: 102, maskTokenId: 103 });
  });

  test('GPT-2: <|endoftext|> is both bos and eos, no pad, vocabSize 50257', () => {
    expect(gpt2().ours.tokenIds()).toEqual({ vocabSize: 50257, bosTokenId: 50256, eosTokenId: 50256 });
  });

  test('char-level: the specials it was trained with, and nothing when it has none', async () => {
    const plain = charLevel();
    await plain.train('abc', new CharTrainer());
    expect(plain.tokenIds()).toEqual({ vocabSize: 3 });
    const tok = charLevel();
    await tok.train('hello', new CharTrainer({ specialTokens: ['<unk>', '<|endoftext|>', '<pad>'], unkToken: '<unk>' }));
    expect(tok.tokenIds()).toEqual({ vocabSize: 7, unkTokenId: 0, bosTokenId: 1, eosTokenId: 1, padTokenId: 2 });
  });

  test('post-processors: RobertaProcessing gives cls=bos and sep=eos; a template names bos/eos by position', () => {
    const base = bertWordPiece({ vocab: { '[UNK]': 0, '<s>': 1, '</s>': 2, '<BEGIN>': 3, '<END>': 4, a: 5 } }).toJSON();
    const roberta = Tokenizer.fromJSON({ ...base, post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 1], trim_offsets: true, add_prefix_space: false } });
    expect(roberta.tokenIds()).toEqual({ vocabSize: 6, unkTokenId: 0, clsTokenId: 1, sepTokenId: 2, bosTokenId: 1, eosTokenId: 2 });
    const template = Tokenizer.fromJSON({
      ...base,
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '<BEGIN>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<END>', type_id: 0 } }],
        pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { '<BEGIN>': { id: '<BEGIN>', ids: [3], tokens: ['<BEGIN>'] }, '<END>': { id: '<END>', ids: [4], tokens: ['<END>'] } },
      },
    });
    expect(template.tokenIds()).toMatchObject({ bosTokenId: 3, eosTokenId: 4 });
  });

  test('an id past the vocabulary (a post-processor pointing outside it) is a TokenizerConfigError naming the field', () => {
    const base = bertWordPiece().toJSON();
    const tok = Tokenizer.fromJSON({ ...base, post_processor: { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] } });
    expect(() => tok.tokenIds()).toThrow(TokenizerConfigError);
    expect(() => tok.tokenIds()).toThrow(/clsTokenId 101 is outside the vocabulary \[0, 5\)/);
  });
});
