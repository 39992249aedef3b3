// Objectives take their ids from a tokenizer in one call (`X.fromTokenizer(tokenizer.tokenIds())`):
// the vocabulary size, [MASK], [CLS], [SEP], [PAD], and every special token as never-masked.
import { describe, expect, test } from 'vitest';
import { ConfigError, Rng } from '@llmkit/core';
import { MaskedLM, NextSentence, SentenceOrder, combine, type TokenizerIds } from '../src/index.js';

/** The ids of a WordPiece trained here: [UNK] 0, [CLS] 1, [SEP] 2, [PAD] 3, [MASK] 4 (not Google's order). */
const WORDPIECE: TokenizerIds = { vocabSize: 30, unkTokenId: 0, clsTokenId: 1, sepTokenId: 2, padTokenId: 3, maskTokenId: 4 };

function configError(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(ConfigError.isInstance(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('fromTokenizer', () => {
  test('MaskedLM: vocabSize and [MASK] from the ids, every special id excluded, extra ones kept', () => {
    const mlm = MaskedLM.fromTokenizer(WORDPIECE, { maskProbability: 0.5, specialTokenIds: [7] });
    expect(mlm.getConfig()).toMatchObject({ vocabSize: 30, maskTokenId: 4, maskProbability: 0.5 });
    expect([...mlm.getConfig().specialTokenIds!].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 7]);
  });

  test('SentenceOrder and NextSentence lay rows out with the tokenizer’s [CLS], [SEP] and [PAD]; MaskedLM never masks them', () => {
    const sop = SentenceOrder.fromTokenizer(WORDPIECE, { maxLength: 10, swapProbability: 0 });
    expect(sop.getConfig()).toMatchObject({ clsTokenId: 1, sepTokenId: 2, padTokenId: 3, maxLength: 10 });
    const prepared = combine([sop, MaskedLM.fromTokenizer(WORDPIECE, { maskProbability: 1 })]).prepare({ pairs: [{ a: [10, 11], b: [12] }] }, new Rng(0));
    const ids = Array.from(prepared.targets.mlmLabels!.values);
    // [CLS] 10 11 [SEP] 12 [SEP] [PAD]…: with every maskable token chosen, only the segments' tokens are predicted.
    expect(ids).toEqual([-100, 10, 11, -100, 12, -100, -100, -100, -100, -100]);
    expect(Array.from(prepared.inputs.inputIds!.values).slice(5)).toEqual([2, 3, 3, 3, 3]);
    expect(NextSentence.fromTokenizer(WORDPIECE).getConfig()).toMatchObject({ clsTokenId: 1, sepTokenId: 2, padTokenId: 3 });
  });

  test('a token the objective needs but the tokenizer lacks, or an id outside the vocabulary, is a ConfigError naming it', () => {
    expect(configError(() => MaskedLM.fromTokenizer({ vocabSize: 30 }))).toBe("MaskedLM.fromTokenizer: the tokenizer has no mask token ('ids.maskTokenId' is absent)");
    expect(configError(() => SentenceOrder.fromTokenizer({ vocabSize: 30, clsTokenId: 1, sepTokenId: 2 }))).toBe(
      "SentenceOrder.fromTokenizer: the tokenizer has no pad token ('ids.padTokenId' is absent)",
    );
    expect(configError(() => NextSentence.fromTokenizer({ ...WORDPIECE, sepTokenId: 30 }))).toBe(
      "NextSentence.fromTokenizer: 'ids.sepTokenId' must be a token id in [0, vocabSize = 30), got 30",
    );
    expect(configError(() => MaskedLM.fromTokenizer({ ...WORDPIECE, vocabSize: 2.5 }))).toContain("'ids.vocabSize' must be a positive integer, got 2.5");
    expect(configError(() => MaskedLM.fromTokenizer(null as never))).toContain("'ids' must be the object tokenizer.tokenIds() returns");
    expect(configError(() => MaskedLM.fromTokenizer(WORDPIECE, { specialTokenIds: 5 as never }))).toContain("'specialTokenIds' must be an array");
  });
});
