// The Porter stemmer against NLTK's PorterStemmer (default mode, as rouge-score uses it) on every
// distinct word of tiny Shakespeare and the READMEs plus the classic rule examples
// (fixtures/porter.json, scripts/generate_stemmer_fixtures.py). Exact.
import { describe, expect, it } from 'vitest';
import { porterStem } from '../src/metrics/porter-stemmer.js';
import { loadJson } from './fixtures.js';

const ref = loadJson('porter.json');

describe(`Porter stemmer vs NLTK ${ref.meta.nltk}`, () => {
  it(`${ref.pairs.length} words stem as NLTK stems them`, () => {
    const wrong = (ref.pairs as [string, string][]).filter(([w, s]) => porterStem(w) !== s).map(([w, s]) => `${w}: ${porterStem(w)} != ${s}`);
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});
