// Invariants of the metrics over random inputs (fast-check, fixed seed).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracy, corpusBleu, corpusChrf, entityScores, f1, matthewsCorrcoef, precisionRecallFscore, rougeScore } from '../src/index.js';

const SEED = { seed: 14, numRuns: 200 };
const pairs = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n })),
);
const permute = <T>(xs: T[], order: number[]) => order.map((i) => xs[i]!);
const sentence = fc.array(fc.constantFrom('the', 'cat', 'sat', 'on', 'a', 'mat', '.', ',', 'dog', '42'), { minLength: 1, maxLength: 12 }).map((w) => w.join(' '));

describe('metric properties', () => {
  it('F1, precision, recall lie in [0, 1] for every average', () => {
    fc.assert(
      fc.property(pairs, ([t, p]) => {
        for (const average of ['micro', 'macro', 'weighted'] as const) {
          const r = precisionRecallFscore(t, p, { average });
          for (const v of [r.precision, r.recall, r.f]) expect(v >= 0 && v <= 1).toBe(true);
        }
      }),
      SEED,
    );
  });
  it('micro F1 over all labels equals accuracy (single-label multi-class)', () => {
    fc.assert(
      fc.property(pairs, ([t, p]) => {
        expect(Math.abs(f1(t, p, { average: 'micro' }) - accuracy(t, p))).toBeLessThan(1e-12);
      }),
      SEED,
    );
  });
  it('accuracy, macro F1 and MCC are invariant under a permutation of the samples', () => {
    fc.assert(
      fc.property(pairs.chain(([t, p]) => fc.tuple(fc.constant(t), fc.constant(p), fc.shuffledSubarray([...t.keys()], { minLength: t.length, maxLength: t.length }))), ([t, p, order]) => {
        const [t2, p2] = [permute(t, order), permute(p, order)];
        expect(accuracy(t2, p2)).toBe(accuracy(t, p));
        expect(Math.abs(f1(t2, p2, { average: 'macro' }) - f1(t, p, { average: 'macro' }))).toBeLessThan(1e-12);
        expect(Math.abs(matthewsCorrcoef(t2, p2) - matthewsCorrcoef(t, p))).toBeLessThan(1e-12);
      }),
      SEED,
    );
  });
  it('MCC lies in [-1, 1] and is 1 for a perfect prediction with two or more classes', () => {
    fc.assert(
      fc.property(pairs, ([t, p]) => {
        const m = matthewsCorrcoef(t, p);
        expect(m >= -1 - 1e-12 && m <= 1 + 1e-12).toBe(true);
        if (new Set(t).size > 1) expect(Math.abs(matthewsCorrcoef(t, t) - 1)).toBeLessThan(1e-12);
      }),
      SEED,
    );
  });
  it('BLEU and chrF of a corpus against itself are 100 (sentences of 4+ tokens)', () => {
    const long = fc.array(fc.constantFrom('the', 'cat', 'sat', 'on', 'mat', 'dog'), { minLength: 4, maxLength: 12 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(fc.array(long, { minLength: 1, maxLength: 6 }), (corpus) => {
        expect(Math.abs(corpusBleu(corpus, corpus).score - 100)).toBeLessThan(1e-9);
        expect(Math.abs(corpusChrf(corpus, corpus) - 100)).toBeLessThan(1e-9);
      }),
      SEED,
    );
  });
  it('corpus BLEU and chrF do not depend on the order of the segments', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(sentence, sentence), { minLength: 1, maxLength: 6 }), (segs) => {
        const rev = [...segs].reverse();
        const score = (s: [string, string][]) => [corpusBleu(s.map((x) => x[0]), s.map((x) => x[1])).score, corpusChrf(s.map((x) => x[0]), s.map((x) => x[1]))];
        const [a, b] = [score(segs), score(rev)];
        expect(Math.abs(a[0]! - b[0]!)).toBeLessThan(1e-9);
        expect(Math.abs(a[1]! - b[1]!)).toBeLessThan(1e-9);
      }),
      SEED,
    );
  });
  it('ROUGE F-measures lie in [0, 1] and are 1 for identical non-empty texts', () => {
    fc.assert(
      fc.property(sentence, sentence, (a, b) => {
        for (const s of Object.values(rougeScore(a, b))) expect(s.fmeasure >= 0 && s.fmeasure <= 1).toBe(true);
        const same = rougeScore(a, a, { keys: ['rouge1', 'rougeL', 'rougeLsum'] });
        if (/[a-z0-9]/.test(a)) for (const s of Object.values(same)) expect(Math.abs(s.fmeasure - 1)).toBeLessThan(1e-12);
      }),
      SEED,
    );
  });
  it('entity F1 is 1 when the prediction equals the truth and there are entities', () => {
    const tag = fc.constantFrom('O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'S-ORG', 'E-ORG');
    fc.assert(
      fc.property(fc.array(fc.array(tag, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }), (sents) => {
        const r = entityScores(sents, sents);
        if (r.support > 0) expect(r.f1).toBe(1);
        expect(r.f1 >= 0 && r.f1 <= 1).toBe(true);
      }),
      SEED,
    );
  });
});
