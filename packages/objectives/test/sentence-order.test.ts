// SentenceOrder (ALBERT SOP): swap rate within binomial bounds, rows consistent with their labels,
// token types, cuts that keep the junction, and validation.
import '@llmkit/backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { ConfigError, Rng, tf, useBackend } from '@llmkit/core';
import { SentenceOrder, type SegmentPair } from '../src/index.js';
import { expectBinomial } from './stats.js';
import { CLS, SEP, readRow } from './rows.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** Segments of ids 1000+ (never [CLS]/[SEP]/[PAD]). */
const segment = fc.array(fc.integer({ min: 1000, max: 5000 }), { minLength: 1, maxLength: 12 });
const pairs = fc.array(fc.record({ a: segment, b: segment }), { minLength: 1, maxLength: 8 });

describe('SentenceOrder', () => {
  test('rows are [CLS] a [SEP] b [SEP] (label 0) or [CLS] b [SEP] a [SEP] (label 1), token types 0 then 1', () => {
    fc.assert(
      fc.property(pairs, fc.integer({ min: 0, max: 2 ** 31 }), (ps, seed) => {
        const sop = new SentenceOrder({ clsTokenId: CLS, sepTokenId: SEP });
        const prepared = sop.prepare({ pairs: ps }, new Rng(seed));
        const labels = prepared.targets.sopLabels!;
        expect(labels.shape).toEqual([ps.length]);
        ps.forEach((p, k) => {
          const { first, second, length } = readRow(prepared, k);
          expect(length).toBe(Math.max(...ps.map((q) => q.a.length + q.b.length + 3)));
          expect([first, second]).toEqual(labels.values[k] === 1 ? [p.b, p.a] : [p.a, p.b]);
        });
      }),
      { numRuns: 60 },
    );
  });

  test('swap rate: labels are Binomial(pairs, 0.5) within 5 sigma, and the same seed swaps the same pairs', () => {
    const many: SegmentPair[] = Array.from({ length: 4000 }, (_, k) => ({ a: [1000 + k], b: [2000 + k] }));
    const sop = new SentenceOrder({ clsTokenId: CLS, sepTokenId: SEP });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.double({ min: 0.1, max: 0.9, noNaN: true }), (seed, p) => {
        const labels = new SentenceOrder({ clsTokenId: CLS, sepTokenId: SEP, swapProbability: p }).prepare({ pairs: many }, new Rng(seed)).targets.sopLabels!.values;
        expectBinomial(`swap p=${p}`, Array.from(labels).reduce((n, l) => n + l, 0), many.length, p);
      }),
      { numRuns: 20 },
    );
    const a = sop.prepare({ pairs: many }, new Rng(9));
    expect(sop.prepare({ pairs: many }, new Rng(9))).toEqual(a);
    expect(sop.prepare({ pairs: many }, new Rng(10)).targets.sopLabels!.values).not.toEqual(a.targets.sopLabels!.values);
  });

  test('maxLength cuts the longer segment first, keeping the end of a and the start of b whatever the order', () => {
    fc.assert(
      fc.property(pairs, fc.integer({ min: 5, max: 20 }), fc.integer({ min: 0, max: 2 ** 31 }), (ps, maxLength, seed) => {
        const prepared = new SentenceOrder({ clsTokenId: CLS, sepTokenId: SEP, maxLength }).prepare({ pairs: ps }, new Rng(seed));
        ps.forEach((p, k) => {
          const { first, second, length } = readRow(prepared, k);
          expect(length).toBe(maxLength);
          const [a, b] = prepared.targets.sopLabels!.values[k] === 1 ? [second, first] : [first, second];
          expect(a.length + b.length).toBe(Math.min(p.a.length + p.b.length, maxLength - 3));
          expect(a.length).toBeGreaterThanOrEqual(Math.min(1, p.a.length));
          expect(b.length).toBeGreaterThanOrEqual(Math.min(1, p.b.length));
          expect(a).toEqual(p.a.slice(p.a.length - a.length));
          expect(b).toEqual(p.b.slice(0, b.length));
        });
      }),
      { numRuns: 60 },
    );
  });

  test('the loss is the cross-entropy of seqRelationshipLogits [B, 2] against the labels', () => {
    const sop = new SentenceOrder({ clsTokenId: CLS, sepTokenId: SEP });
    const prepared = sop.prepare({ pairs: [{ a: [1000], b: [1001] }, { a: [1002], b: [1003] }] }, new Rng(0));
    const y = Array.from(prepared.targets.sopLabels!.values);
    const logits = tf.tensor2d([[0.5, -1], [2, 0.25]]);
    const { loss, metrics } = sop.loss({ seqRelationshipLogits: logits }, prepared);
    const rows = [[0.5, -1], [2, 0.25]];
    const expected = rows.reduce((s, r, k) => s - Math.log(Math.exp(r[y[k]!]!) / (Math.exp(r[0]!) + Math.exp(r[1]!))), 0) / 2;
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(metrics).toEqual({ sequences: 2 });
    tf.dispose([loss, logits]);
  });

  test('validation names the field, expected and got', () => {
    expect(() => new SentenceOrder({ clsTokenId: -1, sepTokenId: SEP })).toThrow(/'clsTokenId' must be an integer >= 0, got -1/);
    expect(() => new SentenceOrder({ clsTokenId: CLS, sepTokenId: SEP, maxLength: 4 })).toThrow(/'maxLength' must be an integer >= 5, got 4/);
    expect(() => new SentenceOrder({ clsTokenId: CLS, sepTokenId: SEP, swapProbability: 2 })).toThrow(ConfigError);
    const sop = new SentenceOrder({ clsTokenId: CLS, sepTokenId: SEP });
    expect(() => sop.prepare({ pairs: [{ a: [1], b: [] }] }, new Rng(0))).toThrow(/'batch.pairs\[0\].b' must hold at least one token id, got none/);
    expect(() => sop.prepare({ pairs: [{ a: [1.5], b: [2] }] }, new Rng(0))).toThrow(/'batch.pairs\[0\].a\[0\]' must be a token id >= 0, got 1.5/);
    expect(() => sop.prepare([] as never, new Rng(0))).toThrow(/'batch' must be \{ pairs/);
  });
});
