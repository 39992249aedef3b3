// The baselines against scikit-learn 1.9 (fixtures/baselines.json, scripts/generate_baseline_fixtures.py):
// LogisticRegression's coefficients and probabilities, CountVectorizer's analyzer and vocabulary,
// DummyClassifier('most_frequent').
import { ConfigError, ShapeError } from '@llmkit/core';
import { describe, expect, it } from 'vitest';
import { BagOfWords, LogisticRegression, MostFrequentTag, majorityClass, wordTokens } from '../src/index.js';
import { loadJson } from './fixtures.js';

const fixture = loadJson('baselines.json');

function expectClose(actual: number[][], expected: number[][], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(tol)));
}

describe('LogisticRegression equals scikit-learn (lbfgs, C, intercept unpenalised)', () => {
  for (const c of fixture.logisticRegression) {
    // Both sides solve the same strictly convex problem, each to its own stopping rule (ours: gradient
    // below 1e-8; scipy's L-BFGS also stops on relative decrease): coefficients within 1e-6 absolute
    // (they reach ~5; the largest gap measured is 3e-7), probabilities within 1e-6 (measured 1.1e-7).
    it(c.name, () => {
      const x = c.x ?? (() => {
        const bow = BagOfWords.fit(c.texts, { minDf: 3 });
        return bow.transform(c.texts);
      })();
      const lr = LogisticRegression.fit(x, c.y, c.options);
      expect(lr.converged).toBe(true);
      expect(lr.classes).toEqual(c.classes);
      expectClose(lr.coef, c.coef, 1e-6);
      expectClose([lr.intercept], [c.intercept], 1e-6);
      expectClose(lr.predictProba(x), c.proba, 1e-6);
      expect(lr.predict(x)).toEqual(c.predict);
    });
  }

  it('bad input: typed errors naming the argument', () => {
    expect(() => LogisticRegression.fit([[1], [2]], ['a', 'a'])).toThrow(ConfigError);
    expect(() => LogisticRegression.fit([[1], [2]], ['a', 'a'])).toThrow(/needs at least 2 classes/);
    expect(() => LogisticRegression.fit([[1], [2, 3]], ['a', 'b'])).toThrow(ShapeError);
    expect(() => LogisticRegression.fit([[1], [NaN]], ['a', 'b'])).toThrow(/'x\[1\]\[0\]' must be finite/);
    expect(() => LogisticRegression.fit([[1], [2]], ['a'])).toThrow(/'y' must hold one label per row \(2\); got 1/);
    expect(() => LogisticRegression.fit([[1], [2]], ['a', 'b'], { C: 0 })).toThrow(/'C' must be a positive number; got 0/);
    const lr = LogisticRegression.fit([[1], [2]], ['a', 'b']);
    expect(() => lr.predictProba([[1, 2]])).toThrow(/'x\[0\]' has 2 features, expected 1/);
  });
});

describe('BagOfWords equals CountVectorizer', () => {
  it('the default analyzer: lowercased runs of 2+ Unicode word characters', () => {
    for (const { text, tokens } of fixture.analyzer) expect(wordTokens(text)).toEqual(tokens);
  });

  it('min_df=3 vocabulary and counts on 150 spam-subset messages', () => {
    const c = fixture.logisticRegression.find((x: { name: string }) => x.name === 'bag of words on spam');
    const bow = BagOfWords.fit(c.texts, { minDf: 3 });
    expect(bow.vocabulary).toEqual(c.vocabulary);
    const row = bow.transform([c.texts[c.counts.row]])[0]!;
    const nonzero = Object.fromEntries(bow.vocabulary.map((w, j) => [w, row[j]!]).filter(([, n]) => n !== 0));
    expect(nonzero).toEqual(c.counts.nonzero);
  });

  it('maxFeatures keeps the most frequent words; binary marks presence', () => {
    const bow = BagOfWords.fit(['aa aa aa bb', 'bb cc', 'aa dd'], { maxFeatures: 2, binary: true });
    expect(bow.vocabulary).toEqual(['aa', 'bb']); // counts aa 4, bb 2, cc 1, dd 1
    expect(Array.from(bow.transform(['aa aa zz'])[0]!)).toEqual([1, 0]);
    expect(() => BagOfWords.fit(['a b c'])).toThrow(/no word is left/);
  });
});

describe('majorityClass equals DummyClassifier(most_frequent)', () => {
  it('commonest label, smallest on a tie', () => {
    for (const { labels, majority } of fixture.dummy) expect(majorityClass(labels)).toBe(majority);
    expect(() => majorityClass([])).toThrow(ConfigError);
  });
});

describe('MostFrequentTag', () => {
  it('each word its commonest training tag (first in sort order on a tie), unseen words the commonest tag', () => {
    const tagger = MostFrequentTag.fit([
      { tokens: ['jordan', 'went', 'to', 'jordan'], tags: ['B-PER', 'O', 'O', 'B-LOC'] },
      { tokens: ['jordan', 'left', 'paris'], tags: ['B-LOC', 'O', 'B-LOC'] },
      { tokens: ['may', 'met', 'tom'], tags: ['B-PER', 'O', 'B-PER'] },
      { tokens: ['in', 'may'], tags: ['O', 'O'] },
    ]);
    // jordan: LOC 2, PER 1; may: B-PER 1, O 1 -> 'B-PER' sorts first; overall O 6, B-LOC 3, B-PER 3.
    expect(tagger.predict(['jordan', 'may', 'paris', 'lima', 'tom'])).toEqual(['B-LOC', 'B-PER', 'B-LOC', 'O', 'B-PER']);
    expect(tagger.fallback).toBe('O');
    expect(() => MostFrequentTag.fit([{ tokens: ['a'], tags: [] }])).toThrow(/'sentences\[0\]' has 1 tokens but 0 tags/);
    expect(() => MostFrequentTag.fit([])).toThrow(ConfigError);
  });
});
