// NextSentence (BERT NSP): the random-segment rate within binomial bounds, label 1 rows hold a segment
// of another document, the pool defaults to the batch, and pool/document errors name the field.
import '@llmkit/backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { Rng, useBackend } from '@llmkit/core';
import { NextSentence } from '../src/index.js';
import { expectBinomial } from './stats.js';
import { CLS, SEP, readRow } from './rows.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('NextSentence', () => {
  test('label 0 keeps b; label 1 puts a segment from another document second; rate within 5 sigma', () => {
    const pool = Array.from({ length: 300 }, (_, j) => ({ ids: [3000 + j], document: j % 30 }));
    const ps = Array.from({ length: 1500 }, (_, k) => ({ a: [1000 + (k % 100)], b: [2000 + (k % 100)], document: k % 30 }));
    const nsp = new NextSentence({ clsTokenId: CLS, sepTokenId: SEP });
    const prepared = nsp.prepare({ pairs: ps, pool }, new Rng(5));
    const labels = prepared.targets.nspLabels!.values;
    ps.forEach((p, k) => {
      const { first, second } = readRow(prepared, k);
      expect(first).toEqual(p.a);
      if (labels[k] === 0) expect(second).toEqual(p.b);
      else expect(pool[second[0]! - 3000]!.document).not.toBe(p.document);
    });
    expectBinomial('random', Array.from(labels).reduce((n, l) => n + l, 0), ps.length, 0.5);
  });

  test('without a pool, random segments come from the other pairs of the batch; a pool of one document is an error', () => {
    const nsp = new NextSentence({ clsTokenId: CLS, sepTokenId: SEP, randomProbability: 1 });
    const prepared = nsp.prepare({ pairs: [{ a: [1000], b: [1001], document: 0 }, { a: [1002], b: [1003], document: 1 }] }, new Rng(0));
    expect(readRow(prepared, 0).second[0]).toBeGreaterThanOrEqual(1002);
    expect(readRow(prepared, 1).second[0]).toBeLessThanOrEqual(1001);
    // A pool almost all from the pair's own document still gives another document, by the exact fallback.
    const skewed = [...Array.from({ length: 999 }, () => ({ ids: [4000], document: 0 })), { ids: [4001], document: 1 }];
    expect(readRow(nsp.prepare({ pairs: [{ a: [1000], b: [1001], document: 0 }], pool: skewed }, new Rng(1)), 0).second).toEqual([4001]);
    expect(() => nsp.prepare({ pairs: [{ a: [1000], b: [1001], document: 0 }] }, new Rng(0))).toThrow(
      /'batch.pairs\[0\]' needs a random segment from a document other than 0, but every segment of the pool \(2\) is from document 0/,
    );
    expect(() => nsp.prepare({ pairs: [{ a: [1000], b: [1001] }] }, new Rng(0))).toThrow(/'batch.pairs\[0\].document' must be an integer document id, got undefined/);
  });

  test('seeded: the same Rng seed gives the same rows; getConfig rebuilds it', () => {
    const ps = Array.from({ length: 64 }, (_, k) => ({ a: [1000 + k], b: [2000 + k], document: k % 8 }));
    const nsp = new NextSentence({ clsTokenId: CLS, sepTokenId: SEP, maxLength: 8, randomProbability: 0.3 });
    expect(nsp.getConfig()).toEqual({ clsTokenId: CLS, sepTokenId: SEP, padTokenId: 0, maxLength: 8, randomProbability: 0.3, name: 'nsp', logitsKey: 'seqRelationshipLogits' });
    const a = nsp.prepare({ pairs: ps }, new Rng(4));
    expect(new NextSentence(nsp.getConfig()).prepare({ pairs: ps }, new Rng(4))).toEqual(a);
    expect(nsp.prepare({ pairs: ps }, new Rng(5)).inputs.inputIds).not.toEqual(a.inputs.inputIds);
  });
});
