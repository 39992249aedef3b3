// BLEU and chrF against sacrebleu (fixtures/metrics.json, scripts/generate_metric_fixtures.py, the
// sacrebleu version in its meta): corpus and sentence scores, every smoothing method, lowercase,
// chrF++, whitespace and eps smoothing. Tolerance 1e-9 on 0–100 scores (float64 in another order).
import { describe, expect, it } from 'vitest';
import { corpusBleu, corpusChrf, sentenceBleu, sentenceChrf, tokenize13a, type BleuSmoothing } from '../src/index.js';
import { loadJson } from './fixtures.js';

const ref = loadJson('metrics.json');
const { hypotheses, references } = ref.bleu as { hypotheses: string[]; references: string[][] };
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9);

describe(`BLEU vs sacrebleu ${ref.meta.sacrebleu}`, () => {
  for (const c of ref.bleu.corpus) {
    it(`corpus_bleu smooth ${c.smoothMethod}${c.smoothValue !== null ? ` ${c.smoothValue}` : ''}${c.lowercase ? ', lowercase' : ''}`, () => {
      const s = corpusBleu(hypotheses, references, { smoothMethod: c.smoothMethod as BleuSmoothing, smoothValue: c.smoothValue ?? undefined, lowercase: c.lowercase });
      close(s.score, c.score);
      // sacrebleu's add-k adds k to its count lists in place, so the counts it reports include k
      // for orders >= 2; ours are the raw counts.
      const k = c.smoothMethod === 'add-k' ? 1 : 0;
      const withK = (xs: number[]) => xs.map((x, i) => (i > 0 ? x + k : x));
      expect([withK(s.counts), withK(s.totals), s.sysLen, s.refLen]).toEqual([c.counts, c.totals, c.sysLen, c.refLen]);
      close(s.bp, c.bp);
    });
  }
  it('corpus_bleu, one reference each, tokenize none', () => {
    const s = corpusBleu(hypotheses, references.map((r) => r[0]!), { tokenize: 'none' });
    close(s.score, ref.bleu.corpusOneRefNoTokenize.score);
    expect([s.counts, s.totals]).toEqual([ref.bleu.corpusOneRefNoTokenize.counts, ref.bleu.corpusOneRefNoTokenize.totals]);
  });
  for (const c of ref.bleu.sentence) {
    it(`sentence_bleu #${c.index} smooth ${c.smoothMethod}: ${JSON.stringify(hypotheses[c.index]).slice(0, 40)}`, () => {
      const s = sentenceBleu(hypotheses[c.index]!, references[c.index]!, { smoothMethod: c.smoothMethod });
      close(s.score, c.score);
      close(s.bp, c.bp);
      s.precisions.forEach((p, i) => close(p, c.precisions[i]));
    });
  }
  // Expected tokens printed by sacrebleu 2.6.0's Tokenizer13a()(line).split().
  it('13a tokenization splits punctuation but keeps 3.5 and 12,5 together', () => {
    expect(tokenize13a('Prices rose 3.5% in 2023 -- "odd" & 12,5.')).toEqual(['Prices', 'rose', '3.5', '%', 'in', '2023', '--', '"', 'odd', '"', '&', '12,5', '.']);
  });
});

describe(`chrF vs sacrebleu ${ref.meta.sacrebleu}`, () => {
  for (const c of ref.chrf.corpus) {
    it(`corpus chrF ${JSON.stringify(c.options)}`, () => {
      const o = c.options;
      close(corpusChrf(hypotheses, references, { wordOrder: o.word_order, lowercase: o.lowercase, whitespace: o.whitespace, epsSmoothing: o.eps_smoothing, charOrder: o.char_order, beta: o.beta }), c.score);
    });
  }
  for (const c of ref.chrf.sentence) {
    it(`sentence chrF and chrF++ #${c.index}`, () => {
      close(sentenceChrf(hypotheses[c.index]!, references[c.index]!), c.score);
      close(sentenceChrf(hypotheses[c.index]!, references[c.index]!, { wordOrder: 2 }), c.chrfpp);
    });
  }
});

describe('BLEU/chrF: bad input is a typed error naming the field', () => {
  it('references count', () => expect(() => corpusBleu(['a', 'b'], [['a']])).toThrow(/'references' must have one entry per hypothesis \(2\); got 1/));
  it('empty reference list', () => expect(() => sentenceBleu('a', [])).toThrow(/'references\[0\]' must be a string or a non-empty array/));
  it('unknown smoothing', () => expect(() => corpusBleu(['a'], ['a'], { smoothMethod: 'add-one' as never })).toThrow(/'smoothMethod' must be/));
  it('non-string hypothesis', () => expect(() => corpusChrf([1 as never], ['a'])).toThrow(/'hypotheses\[0\]' must be a string; got number/));
});
