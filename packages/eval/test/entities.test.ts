// Entity-level scores against seqeval's default mode (fixtures/metrics.json: seqeval run from its
// GitHub source, v1.2.2-4-gcd01b52, by scripts/generate_metric_fixtures.py; seqeval is not on the
// pip mirror). Tolerance 1e-12.
import { describe, expect, it } from 'vitest';
import { entityScores, getEntities, strictEntities } from '../src/index.js';
import { loadJson } from './fixtures.js';

const ref = loadJson('metrics.json');
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12);

describe('entity-level P/R/F1 vs seqeval (default mode)', () => {
  for (const c of ref.seqeval.filter((x: any) => x.scheme)) {
    describe(c.name, () => {
      it('Entities(...) of the scheme', () => {
        const rows = (ys: string[][]) => strictEntities(ys, c.scheme).map((e) => [e.sentence, e.type, e.start, e.end]).sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
        const sorted = (xs: unknown[][]) => [...xs].sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
        expect(rows(c.yTrue)).toEqual(sorted(c.entitiesTrue));
        expect(rows(c.yPred)).toEqual(sorted(c.entitiesPred));
      });
      for (const s of c.scores) {
        it(`strict, average ${s.average}`, () => {
          const r = entityScores(c.yTrue, c.yPred, { average: s.average, strict: c.scheme });
          close(r.precision, s.precision);
          close(r.recall, s.recall);
          close(r.f1, s.f1);
          expect(r.support).toBe(s.support);
        });
      }
    });
  }
  for (const c of ref.seqeval.filter((x: any) => !x.scheme)) {
    describe(c.name, () => {
      it('get_entities', () => {
        expect(getEntities(c.yTrue).map((e) => [e.type, e.start, e.end])).toEqual(c.entitiesTrue);
        expect(getEntities(c.yPred).map((e) => [e.type, e.start, e.end])).toEqual(c.entitiesPred);
      });
      for (const s of c.scores) {
        it(`average ${s.average}, zero_division ${s.zeroDivision}`, () => {
          const r = entityScores(c.yTrue, c.yPred, { average: s.average, zeroDivision: s.zeroDivision });
          close(r.precision, s.precision);
          close(r.recall, s.recall);
          close(r.f1, s.f1);
          expect(r.support).toBe(s.support);
        });
      }
      it('per type (average None)', () => {
        const r = entityScores(c.yTrue, c.yPred, { average: null });
        const types = Object.keys(r.perType);
        expect(types.map((t) => r.perType[t]!.support)).toEqual(c.perType.support);
        types.forEach((t, i) => {
          close(r.perType[t]!.precision, c.perType.precision[i]);
          close(r.perType[t]!.recall, c.perType.recall[i]);
          close(r.perType[t]!.f1, c.perType.f1[i]);
        });
      });
    });
  }
  it('suffix tags (PER-B) read like prefix tags', () => {
    expect(getEntities(['PER-B', 'PER-I', 'O', 'LOC-S'], { suffix: true })).toEqual([
      { type: 'PER', start: 0, end: 1 },
      { type: 'LOC', start: 3, end: 3 },
    ]);
  });
  it('mismatched sentence lengths are a ShapeError naming the sentence', () => {
    expect(() => entityScores([['O', 'B-PER']], [['O']])).toThrow(/sentence 0 has 2 true tags and 1 predicted/);
  });
  it('an empty tag is a ConfigError', () => expect(() => getEntities(['O', ''])).toThrow(/tag 1 must be a non-empty string/));
  it('strict mode: a tag outside the scheme is a ConfigError', () => expect(() => entityScores([['S-PER']], [['O']], { strict: 'IOB2' })).toThrow(/tag 'S-PER' is not allowed in IOB2/));
});
