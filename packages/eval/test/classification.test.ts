// Classification metrics against scikit-learn (fixtures/metrics.json, written by
// scripts/generate_metric_fixtures.py with the sklearn version in its meta). Tolerance 1e-12:
// the same float64 arithmetic in a possibly different order.
import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, f1, matthewsCorrcoef, precisionRecallFscore, type Label } from '../src/index.js';
import { loadJson, nanOf } from './fixtures.js';

const ref = loadJson('metrics.json');
const close = (a: number, b: number) => (Number.isNaN(b) ? expect(a).toBeNaN() : expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b))));

describe(`classification metrics vs scikit-learn ${ref.meta.sklearn}`, () => {
  for (const c of ref.classification) {
    describe(c.name, () => {
      const yTrue = c.yTrue as Label[];
      const yPred = c.yPred as Label[];
      it('accuracy', () => close(accuracy(yTrue, yPred), c.accuracy));
      it('confusion matrix (counts and normalize "true")', () => {
        expect(confusionMatrix(yTrue, yPred)).toEqual(c.confusionMatrix);
        const norm = confusionMatrix(yTrue, yPred, { normalize: 'true' }).matrix;
        norm.forEach((row, i) => row.forEach((v, j) => close(v, c.confusionMatrixNormalizedTrue[i][j])));
      });
      it('Matthews correlation', () => close(matthewsCorrcoef(yTrue, yPred), c.mcc));
      it('macro F2', () => close(precisionRecallFscore(yTrue, yPred, { average: 'macro', beta: 2 }).f, c.macroF2));
      for (const [avg, entries] of Object.entries(c.prf) as [string, any[]][]) {
        for (const e of entries) {
          it(`precision/recall/F1 average ${avg}, zero_division ${e.zeroDivision}`, () => {
            const zeroDivision = e.zeroDivision === 'nan' ? NaN : e.zeroDivision;
            const average = avg === 'None' ? null : (avg as 'micro' | 'macro' | 'weighted' | 'binary');
            const r = precisionRecallFscore(yTrue, yPred, { average, zeroDivision, posLabel: e.posLabel, labels: e.labels }) as { precision: number | number[]; recall: number | number[]; f: number | number[]; support?: number[] };
            for (const k of ['precision', 'recall', 'f'] as const) {
              if (Array.isArray(e[k])) (r[k] as number[]).forEach((v, i) => close(v, nanOf(e[k][i])));
              else close(r[k] as number, nanOf(e[k]));
            }
            if (e.support) expect(r.support).toEqual(e.support);
            if (average && average !== 'binary') close(f1(yTrue, yPred, { average, zeroDivision, labels: e.labels }), nanOf(e.f));
          });
        }
      }
    });
  }
});

describe('classification metrics: bad input is a typed error naming the field', () => {
  it('different lengths', () => expect(() => accuracy([1, 2], [1])).toThrow(/accuracy: 'yTrue' and 'yPred' must have the same length; got 2 and 1/));
  it('mixed label types', () => expect(() => f1([1, 'a'], [1, 1])).toThrow(/all numbers or all strings/));
  it('NaN label', () => expect(() => matthewsCorrcoef([1, NaN], [1, 1])).toThrow(/'yTrue\[1\]' must be a finite number or a string; got NaN/));
  it('binary average over three classes', () => expect(() => f1([0, 1, 2], [0, 1, 2])).toThrow(/average 'binary' needs at most 2 classes; got 3/));
  it('posLabel absent', () => expect(() => f1(['a', 'b'], ['a', 'b'])).toThrow(/'posLabel' 1 is not a label/));
  it('empty input', () => expect(() => accuracy([], [])).toThrow(/'yTrue' is empty/));
  it('unknown average', () => expect(() => precisionRecallFscore([1], [1], { average: 'samples' as never })).toThrow(/'average' must be/));
});
