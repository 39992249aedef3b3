// ROUGE against torchmetrics' rouge_score (a port of rouge-score, which is not on the pip mirror),
// fixtures/metrics.json by scripts/generate_metric_fixtures.py; rougeLsum there splits sentences on
// newlines, rouge-score's default, instead of nltk punkt (not downloadable here). torchmetrics
// returns float32, hence the tolerance 1e-6. Stemming: NLTK's PorterStemmer there, porterStem here.
import { describe, expect, it } from 'vitest';
import { corpusRouge, rougeScore, rougeTokenize } from '../src/index.js';
import { loadJson } from './fixtures.js';

const ref = loadJson('metrics.json');
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6);
const { predictions, references } = ref.rouge as { predictions: string[]; references: string[][] };

describe(`ROUGE vs torchmetrics ${ref.meta.torchmetrics}`, () => {
  ref.rouge.pairs.forEach((expected: Record<string, Record<string, number>>, i: number) => {
    it(`pair ${i}: ${JSON.stringify(predictions[i]).slice(0, 40)}`, () => {
      const s = rougeScore(predictions[i]!, references[i]!);
      for (const [k, v] of Object.entries(expected)) for (const [m, x] of Object.entries(v)) close(s[k]![m as 'fmeasure'], x);
    });
  });
  it('corpus mean', () => {
    const s = corpusRouge(predictions, references);
    for (const [k, v] of Object.entries(ref.rouge.corpus as Record<string, Record<string, number>>)) for (const [m, x] of Object.entries(v)) close(s[k]![m as 'fmeasure'], x);
  });
  it('with Porter stemming (use_stemmer), corpus mean', () => {
    const { predictions: p, references: r, corpus } = ref.rouge.stemmed;
    const s = corpusRouge(p, r, { useStemmer: true });
    for (const [k, v] of Object.entries(corpus as Record<string, Record<string, number>>)) for (const [m, x] of Object.entries(v)) close(s[k]![m as 'fmeasure'], x);
    expect(corpusRouge(p, r).rouge1!.fmeasure).toBeLessThan(s.rouge1!.fmeasure - 0.05); // stemming matters here
  });
  it('tokenization: lowercase, [a-z0-9] runs only', () => expect(rougeTokenize('ÉCOLE élève, 56.7%')).toEqual(['cole', 'l', 've', '56', '7']));
  it('an unknown key is a ConfigError', () => expect(() => rougeScore('a', 'a', { keys: ['rougeX' as never] })).toThrow(/'keys' entries must be/));
});
