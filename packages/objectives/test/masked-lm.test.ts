// MaskedLM: dynamic masking statistics (binomial bounds), specials and padding untouched, seeding,
// whole-word masking, and a loss over the chosen positions only.
import '@llmkit/backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { ConfigError, Rng, ShapeError, tf, useBackend } from '@llmkit/core';
import { IGNORE_INDEX, MaskedLM, computeLoss, wordPieceContinuation, type TokenBatch } from '../src/index.js';
import { TinyEncoder, nll } from './models.js';
import { expectBinomial } from './stats.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const VOCAB = 1000;
const PAD = 0;
const CLS = 1;
const SEP = 2;
const MASK = 3;
const SPECIALS = [PAD, CLS, SEP, MASK];

interface EncodedBatch {
  batchSize: number;
  length: number;
  rowStarts: Int32Array;
  lengths: Int32Array;
  inputIds: Int32Array;
  attentionMask: Uint8Array;
  tokenTypeIds: Uint8Array;
  specialTokensMask: Uint8Array;
}

/**
 * A batch shaped like the tokenizer's `encodeBatch(texts, { padding: true, returnSpecialTokensMask: true })`:
 * rows `[CLS] w… [SEP]` of random lengths, right padded, every array row-major [B, T].
 */
function makeBatch(seed: number, batchSize: number, length: number): EncodedBatch {
  const rng = new Rng(seed).fork('batch');
  const n = batchSize * length;
  const inputIds = new Int32Array(n).fill(PAD);
  const attentionMask = new Uint8Array(n);
  const specialTokensMask = new Uint8Array(n).fill(1);
  const tokenTypeIds = new Uint8Array(n);
  const lengths = new Int32Array(batchSize);
  const rowStarts = new Int32Array(batchSize + 1);
  for (let b = 0; b < batchSize; b++) {
    const len = 2 + rng.nextInt(length - 1);
    lengths[b] = len;
    rowStarts[b + 1] = (b + 1) * length;
    const at = b * length;
    attentionMask.fill(1, at, at + len);
    inputIds[at] = CLS;
    inputIds[at + len - 1] = SEP;
    for (let t = 1; t < len - 1; t++) {
      inputIds[at + t] = SPECIALS.length + rng.nextInt(VOCAB - SPECIALS.length);
      specialTokensMask[at + t] = 0;
    }
  }
  return { batchSize, length, rowStarts, lengths, inputIds, attentionMask, tokenTypeIds, specialTokensMask };
}

const maskable = (batch: TokenBatch, i: number) => batch.attentionMask![i] === 1 && batch.specialTokensMask![i] === 0;

describe('MaskedLM.prepare', () => {
  test('masking rate: the count of chosen tokens is Binomial(maskable tokens, maskProbability) within 5 sigma', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.double({ min: 0.02, max: 0.6, noNaN: true }), (seed, p) => {
        const batch = makeBatch(seed, 16, 128);
        const mlm = new MaskedLM({ vocabSize: VOCAB, maskTokenId: MASK, specialTokenIds: SPECIALS, maskProbability: p });
        const labels = mlm.prepare(batch, new Rng(seed)).targets.mlmLabels!.values;
        let n = 0;
        let chosen = 0;
        for (let i = 0; i < labels.length; i++) {
          if (maskable(batch, i)) n++;
          if (labels[i] !== IGNORE_INDEX) chosen++;
        }
        expectBinomial(`p=${p}`, chosen, n, p);
      }),
      { numRuns: 40 },
    );
  });

  test('specials and padding are never chosen, never rewritten; random replacements are never special ids', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 3, max: 40 }), (seed, b, t) => {
        const batch = makeBatch(seed, b, t);
        const mlm = new MaskedLM({ vocabSize: VOCAB, maskTokenId: MASK, specialTokenIds: SPECIALS, maskProbability: 0.9 });
        const prepared = mlm.prepare(batch, new Rng(seed));
        const ids = prepared.inputs.inputIds!.values;
        const labels = prepared.targets.mlmLabels!.values;
        for (let i = 0; i < ids.length; i++) {
          if (!maskable(batch, i)) {
            expect(labels[i]).toBe(IGNORE_INDEX);
            expect(ids[i]).toBe(batch.inputIds[i]);
          } else if (ids[i] !== batch.inputIds[i]) {
            expect(labels[i]).toBe(batch.inputIds[i]);
            if (ids[i] !== MASK) expect(SPECIALS).not.toContain(ids[i]);
          }
        }
        expect(prepared.inputs.attentionMask!.values).toEqual(Int32Array.from(batch.attentionMask!));
      }),
      { numRuns: 60 },
    );
  });

  test('80/10/10: chosen tokens become [MASK], a random token or stay, each share within 5 sigma', () => {
    const batch = makeBatch(7, 128, 256);
    const mlm = new MaskedLM({ vocabSize: VOCAB, maskTokenId: MASK, specialTokenIds: SPECIALS, maskProbability: 0.5 });
    const prepared = mlm.prepare(batch, new Rng(11));
    const ids = prepared.inputs.inputIds!.values;
    const labels = prepared.targets.mlmLabels!.values;
    let chosen = 0;
    let masked = 0;
    let unchanged = 0;
    for (let i = 0; i < ids.length; i++) {
      if (labels[i] === IGNORE_INDEX) continue;
      chosen++;
      if (ids[i] === MASK) masked++;
      else if (ids[i] === labels[i]) unchanged++;
    }
    expect(chosen).toBeGreaterThan(5000);
    // A random replacement draws the original id again with chance 1 / (non-special ids).
    const same = 1 / (VOCAB - SPECIALS.length);
    expectBinomial('[MASK]', masked, chosen, 0.8);
    expectBinomial('unchanged', unchanged, chosen, 0.1 + 0.1 * same);
    expectBinomial('random', chosen - masked - unchanged, chosen, 0.1 * (1 - same));
  });

  test('other splits: maskReplaceProbability 0 and randomReplaceProbability 1 replaces every chosen token at random', () => {
    const batch = makeBatch(3, 8, 64);
    const mlm = new MaskedLM({ vocabSize: 50, maskTokenId: MASK, specialTokenIds: SPECIALS, maskReplaceProbability: 0, randomReplaceProbability: 1 });
    const small = { ...batch, inputIds: batch.inputIds.map((id) => (id >= 50 ? 4 + (id % 46) : id)) };
    const prepared = mlm.prepare(small, new Rng(1));
    const ids = prepared.inputs.inputIds!.values;
    prepared.targets.mlmLabels!.values.forEach((label, i) => {
      if (label !== IGNORE_INDEX) {
        expect(ids[i]).not.toBe(MASK);
        expect(ids[i]).toBeGreaterThanOrEqual(4);
      }
    });
  });

  test('seeded: the same Rng seed gives the same mask; different seeds give different masks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 31 }), (s1, s2) => {
        fc.pre(s1 !== s2);
        const batch = makeBatch(5, 8, 128);
        const mlm = new MaskedLM({ vocabSize: VOCAB, maskTokenId: MASK, specialTokenIds: SPECIALS });
        const a = mlm.prepare(batch, new Rng(s1));
        const b = mlm.prepare(batch, new Rng(s1));
        const c = mlm.prepare(batch, new Rng(s2));
        expect(b.inputs.inputIds!.values).toEqual(a.inputs.inputIds!.values);
        expect(b.targets.mlmLabels!.values).toEqual(a.targets.mlmLabels!.values);
        expect(c.targets.mlmLabels!.values).not.toEqual(a.targets.mlmLabels!.values);
      }),
      { numRuns: 25 },
    );
  });

  test('dynamic: consecutive calls on one Rng draw new masks, and the batch is not modified', () => {
    const batch = makeBatch(5, 8, 128);
    const before = Int32Array.from(batch.inputIds);
    const mlm = new MaskedLM({ vocabSize: VOCAB, maskTokenId: MASK, specialTokenIds: SPECIALS });
    const rng = new Rng(0);
    const a = mlm.prepare(batch, rng).targets.mlmLabels!.values;
    const b = mlm.prepare(batch, rng).targets.mlmLabels!.values;
    expect(b).not.toEqual(a);
    expect(batch.inputIds).toEqual(before);
  });

  test('specialTokenIds alone protect specials when the batch has no specialTokensMask', () => {
    const batch = makeBatch(9, 8, 32);
    const mlm = new MaskedLM({ vocabSize: VOCAB, maskTokenId: MASK, specialTokenIds: SPECIALS, maskProbability: 1 });
    const { specialTokensMask: _drop, ...bare } = batch;
    const labels = mlm.prepare(bare, new Rng(2)).targets.mlmLabels!.values;
    labels.forEach((label, i) => {
      expect(label !== IGNORE_INDEX).toBe(maskable(batch, i));
    });
  });
});

describe('MaskedLM whole-word masking', () => {
  /** Rows of words of 1–4 tokens; word ids -1 on specials and padding. */
  function wordBatch(seed: number): EncodedBatch & { wordIds: Int32Array } {
    const batch = makeBatch(seed, 12, 64);
    const rng = new Rng(seed).fork('words');
    const wordIds = new Int32Array(batch.inputIds.length).fill(-1);
    for (let b = 0; b < batch.batchSize; b++) {
      let word = 0;
      let left = 0;
      for (let t = 0; t < 64; t++) {
        const i = b * 64 + t;
        if (!maskable(batch, i)) continue;
        if (left === 0) {
          word++;
          left = 1 + rng.nextInt(4);
        }
        wordIds[i] = word;
        left--;
      }
    }
    return { ...batch, wordIds };
  }

  test('with word ids: every word is chosen whole or not at all, words chosen at Binomial(words, p) within 5 sigma', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const batch = wordBatch(seed);
        const mlm = new MaskedLM({ vocabSize: VOCAB, maskTokenId: MASK, specialTokenIds: SPECIALS, wholeWordMask: true, maskProbability: 0.3 });
        const labels = mlm.prepare(batch, new Rng(seed)).targets.mlmLabels!.values;
        const words = new Map<string, boolean[]>();
        batch.wordIds.forEach((w, i) => {
          if (w < 0) return expect(labels[i]).toBe(IGNORE_INDEX);
          const key = `${Math.floor(i / 64)}:${w}`;
          words.set(key, [...(words.get(key) ?? []), labels[i] !== IGNORE_INDEX]);
        });
        let chosen = 0;
        for (const flags of words.values()) {
          expect(new Set(flags).size).toBe(1);
          if (flags[0]) chosen++;
        }
        expectBinomial('words', chosen, words.size, 0.3);
      }),
      { numRuns: 30 },
    );
  });

  test("with a '##' predicate: a word and its continuation pieces are chosen together", () => {
    // Ids >= 500 are '##' pieces: each continues the word before it.
    const vocab = Array.from({ length: VOCAB }, (_, id) => (id >= 500 ? `##p${id}` : `w${id}`));
    const batch = makeBatch(21, 16, 64);
    const mlm = new MaskedLM({
      vocabSize: VOCAB,
      maskTokenId: MASK,
      specialTokenIds: SPECIALS,
      wholeWordMask: true,
      isContinuation: wordPieceContinuation(vocab),
      maskProbability: 0.4,
    });
    const labels = mlm.prepare(batch, new Rng(4)).targets.mlmLabels!.values;
    let continued = 0;
    for (let i = 1; i < labels.length; i++) {
      if (i % 64 === 0 || !maskable(batch, i) || !maskable(batch, i - 1) || batch.inputIds[i]! < 500) continue;
      continued++;
      expect(labels[i] !== IGNORE_INDEX, `token ${i} continues token ${i - 1}`).toBe(labels[i - 1] !== IGNORE_INDEX);
    }
    expect(continued).toBeGreaterThan(100);
  });

  test('without word ids or a predicate it is a ConfigError naming both', () => {
    const mlm = new MaskedLM({ vocabSize: VOCAB, maskTokenId: MASK, wholeWordMask: true });
    expect(() => mlm.prepare(makeBatch(1, 2, 8), new Rng(0))).toThrow(/wholeWordMask.*batch\.wordIds.*isContinuation/);
  });
});

describe('MaskedLM.loss', () => {
  test('the loss is the mean -log p over the chosen positions only: unchosen logits get zero gradient', () => {
    const batch = makeBatch(3, 4, 16);
    const v = 40;
    const small = { ...batch, inputIds: batch.inputIds.map((id) => (id >= v ? 4 + (id % (v - 4)) : id)) };
    const mlm = new MaskedLM({ vocabSize: v, maskTokenId: MASK, specialTokenIds: SPECIALS, maskProbability: 0.3 });
    const prepared = mlm.prepare(small, new Rng(8));
    const labels = prepared.targets.mlmLabels!.values;
    const logits = tf.tensor(new Rng(1).normalArray(4 * 16 * v), [4, 16, v]);
    const values = logits.dataSync();
    let sum = 0;
    let count = 0;
    labels.forEach((label, i) => {
      if (label === IGNORE_INDEX) return;
      sum += nll(values.subarray(i * v, (i + 1) * v), label);
      count++;
    });
    const { loss, metrics } = mlm.loss({ logits }, prepared);
    expect(metrics).toEqual({ tokens: count });
    // float32 log-sum-exp against float64: 1e-5 relative.
    expect(loss.dataSync()[0]).toBeCloseTo(sum / count, 5);
    const grad = tf.grad((l: tf.Tensor) => mlm.loss({ logits: l }, prepared).loss)(logits);
    const g = grad.dataSync();
    labels.forEach((label, i) => {
      const row = g.subarray(i * v, (i + 1) * v);
      if (label === IGNORE_INDEX) expect(row.every((x) => x === 0), `row ${i}`).toBe(true);
      else expect(row.some((x) => x !== 0)).toBe(true);
    });
    tf.dispose([logits, loss, grad]);
  });

  test('nothing chosen gives a loss of 0, not NaN', () => {
    const mlm = new MaskedLM({ vocabSize: VOCAB, maskTokenId: MASK, maskProbability: 0 });
    const model = new TinyEncoder(VOCAB);
    const { loss, metrics } = computeLoss((x) => model.forward(x), mlm, mlm.prepare(makeBatch(1, 2, 8), new Rng(0)));
    expect(loss.dataSync()[0]).toBe(0);
    expect(metrics).toEqual({ tokens: 0 });
    loss.dispose();
    model.dispose();
  });

  test('a model output of the wrong shape is a ShapeError naming it, expected and got; a missing one a ConfigError', () => {
    const mlm = new MaskedLM({ vocabSize: VOCAB, maskTokenId: MASK });
    const prepared = mlm.prepare(makeBatch(1, 2, 8), new Rng(0));
    const wrong = tf.zeros([2, 7, VOCAB]);
    expect(() => mlm.loss({ logits: wrong }, prepared)).toThrow(ShapeError);
    expect(() => mlm.loss({ logits: wrong }, prepared)).toThrow(/outputs\.logits must have shape \[2, 8, V\].*got \[2, 7, 1000\]/);
    expect(() => mlm.loss({ hidden: wrong }, prepared)).toThrow(ConfigError);
    expect(() => mlm.loss({ hidden: wrong }, prepared)).toThrow(/outputs\.logits.*got undefined.*keys: hidden/);
    wrong.dispose();
  });
});

describe('MaskedLM validation', () => {
  test.each([
    [{ vocabSize: 0, maskTokenId: 0 }, /'vocabSize' must be an integer in \[1, .*got 0/],
    [{ vocabSize: 10, maskTokenId: 10 }, /'maskTokenId' must be an integer in \[0, 9\], got 10/],
    [{ vocabSize: 10, maskTokenId: 1, maskProbability: 1.5 }, /'maskProbability' must be a probability in \[0, 1\], got 1.5/],
    [{ vocabSize: 10, maskTokenId: 1, maskReplaceProbability: 0.8, randomReplaceProbability: 0.3 }, /at most 1, got 0.8 \+ 0.3/],
    [{ vocabSize: 10, maskTokenId: 1, specialTokenIds: [3, -1] }, /'specialTokenIds\[1\]'.*got -1/],
    [{ vocabSize: 2, maskTokenId: 1, specialTokenIds: [0] }, /every id in \[0, 2\) is special/],
  ])('options %j are a ConfigError naming the field', (options, message) => {
    expect(() => new MaskedLM(options)).toThrow(ConfigError);
    expect(() => new MaskedLM(options)).toThrow(message);
  });

  test('batch errors name the field, expected and got', () => {
    const mlm = new MaskedLM({ vocabSize: VOCAB, maskTokenId: MASK });
    const batch = makeBatch(1, 2, 8);
    expect(() => mlm.prepare({ ...batch, length: null }, new Rng(0))).toThrow(/'batch.length'.*got null/);
    expect(() => mlm.prepare({ ...batch, attentionMask: new Uint8Array(15) }, new Rng(0))).toThrow(ShapeError);
    expect(() => mlm.prepare({ ...batch, attentionMask: new Uint8Array(15) }, new Rng(0))).toThrow(/'batch.attentionMask' must hold batchSize × length = 2 × 8 = 16 values, got 15/);
    expect(() => mlm.prepare({ ...batch, inputIds: batch.inputIds.map(() => VOCAB) }, new Rng(0))).toThrow(/'batch.inputIds\[0\]'.*\[0, 1000\), got 1000/);
    expect(() => mlm.prepare(batch, undefined as unknown as Rng)).toThrow(/'rng' must be a seeded Rng/);
  });

  test('getConfig rebuilds an equal objective', () => {
    const mlm = new MaskedLM({ vocabSize: VOCAB, maskTokenId: MASK, specialTokenIds: SPECIALS, maskProbability: 0.2 });
    const config = mlm.getConfig();
    expect(config).toMatchObject({ vocabSize: VOCAB, maskTokenId: MASK, maskProbability: 0.2, maskReplaceProbability: 0.8, randomReplaceProbability: 0.1, name: 'mlm' });
    const batch = makeBatch(2, 4, 32);
    expect(new MaskedLM(config).prepare(batch, new Rng(3))).toEqual(mlm.prepare(batch, new Rng(3)));
  });
});
