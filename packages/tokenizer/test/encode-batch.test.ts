// encodeBatch: typed arrays, padding, truncation, masks and offsets, on BERT and GPT-2 tokenizers.
import { describe, expect, test } from 'vitest';
import { bertFromVocabTxt, TemplateProcessing, Tokenizer, TokenizerConfigError } from '../src/index.js';
import { gpt2 } from './gpt2-reference.js';

const vocabTxt = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'b', 'c', 'd', 'e', '##x', '.', '?'].join('\n');
const bert = () => bertFromVocabTxt(vocabTxt);

describe('encodeBatch', () => {
  test('pairs padded to the longest row: ids, type ids, attention and special-tokens masks as typed arrays', () => {
    const batch = bert().encodeBatch(
      [
        ['a b', 'c'],
        ['a', 'b c d e'],
      ],
      { padding: true, returnSpecialTokensMask: true },
    );
    expect(batch.inputIds).toBeInstanceOf(Int32Array);
    expect(batch.attentionMask).toBeInstanceOf(Uint8Array);
    expect(batch.length).toBe(8);
    expect(Array.from(batch.lengths)).toEqual([6, 8]);
    expect(Array.from(batch.inputIds)).toEqual([2, 5, 6, 3, 7, 3, 0, 0, 2, 5, 3, 6, 7, 8, 9, 3]);
    expect(Array.from(batch.tokenTypeIds)).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(batch.attentionMask!)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(batch.specialTokensMask!)).toEqual([1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 1]);
    expect(Array.from(batch.rowStarts)).toEqual([0, 8, 16]);
  });

  test('truncation longest_first keeps maxLength tokens including [CLS]/[SEP]', () => {
    const batch = bert().encodeBatch([['a b c d e', 'a b c']], { truncation: true, maxLength: 8 });
    // budget 8 - 3 specials = 5: remove from the longer first, ties from the second → 3 + 2.
    expect(Array.from(batch.inputIds)).toEqual([2, 5, 6, 7, 3, 5, 6, 3]);
    expect(batch.length).toBeNull();
  });

  test('only_second truncation and padding to max_length, left side, multiple of 4', () => {
    const tok = bert();
    const batch = tok.encodeBatch([['a b', 'c d e a b']], { truncation: 'only_second', maxLength: 7, padding: 'max_length', paddingSide: 'left', padToMultipleOf: 4 });
    expect(batch.length).toBe(8);
    expect(Array.from(batch.inputIds)).toEqual([0, 2, 5, 6, 3, 7, 8, 3]);
    expect(Array.from(batch.attentionMask!)).toEqual([0, 1, 1, 1, 1, 1, 1, 1]);
  });

  test('ragged (unpadded) rows are stored back to back with rowStarts', () => {
    const batch = bert().encodeBatch(['a', 'a b c'], { addSpecialTokens: false });
    expect(batch.length).toBeNull();
    expect(Array.from(batch.rowStarts)).toEqual([0, 1, 4]);
    expect(Array.from(batch.inputIds)).toEqual([5, 5, 6, 7]);
  });

  test('offsets point into each row’s own text', () => {
    const batch = bert().encodeBatch([['A b.', 'cDx?']], { returnOffsets: true });
    const pairs = Array.from({ length: batch.inputIds.length }, (_, i) => [batch.offsets![2 * i], batch.offsets![2 * i + 1]]);
    // 'cdx' has no WordPiece split in this vocabulary ('##d' is missing): one [UNK] over the word.
    expect(batch.inputIds[5]).toBe(1);
    expect(pairs).toEqual([[0, 0], [0, 1], [2, 3], [3, 4], [0, 0], [0, 3], [3, 4], [0, 0]]);
  });

  test('GPT-2 with a BOS/EOS template, padding with <|endoftext|>, and the mask marking it special', () => {
    const { ours } = gpt2();
    const tok = withBosEos(ours);
    const batch = tok.encodeBatch(['Hello world', 'Hi'], { padding: true, returnSpecialTokensMask: true });
    const eot = 50256;
    expect(Array.from(batch.inputIds)).toEqual([eot, 15496, 995, eot, eot, 17250, eot, eot]);
    expect(Array.from(batch.specialTokensMask!)).toEqual([1, 0, 0, 1, 1, 0, 1, 1]);
    expect(Array.from(batch.attentionMask!)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
  });

  test('options are checked and errors name what is missing', () => {
    expect(() => bert().encodeBatch(['a'], { truncation: true })).toThrow(/maxLength/);
    expect(() => bert().encodeBatch(['a'], { padding: 'max_length' })).toThrow(/maxLength/);
    const { ours } = gpt2();
    expect(() => ours.encodeBatch(['a', 'b c'], { padding: true, padToken: '<nope>' })).toThrow(TokenizerConfigError);
  });
});

/** GPT-2's pipeline with a BOS/EOS template, as a decoder-only pretraining setup would use. */
function withBosEos(base: Tokenizer): Tokenizer {
  const tok = new Tokenizer({
    model: base.model,
    preTokenizer: base.preTokenizer,
    decoder: base.decoder,
    postProcessor: new TemplateProcessing({ single: '<|endoftext|> $A <|endoftext|>', specialTokens: [['<|endoftext|>', 50256]] }),
  });
  tok.addSpecialTokens(['<|endoftext|>']);
  return tok;
}
