// chrF (Popović 2015) as sacrebleu 2.x computes it: character n-grams up to 6 with whitespace
// removed, optional word n-grams (chrF++), beta 2, the best-scoring reference per segment, the
// corpus score from summed statistics, and its effective-order averaging (or eps smoothing).
import { ConfigError } from '@llmkit/core';
import { normalizeReferences, splitWhitespace } from './text-checks.js';

export interface ChrfOptions {
  /** Character n-gram order (default 6). */
  charOrder?: number;
  /** Word n-gram order (default 0; 2 gives chrF++). */
  wordOrder?: number;
  /** Recall weight (default 2). */
  beta?: number;
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams (default false). */
  whitespace?: boolean;
  /** Average per-order F scores with eps for empty orders, as chrF++.py (default false). */
  epsSmoothing?: boolean;
}

const PUNCTS = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

function resolve(where: string, o: ChrfOptions) {
  const charOrder = o.charOrder ?? 6;
  const wordOrder = o.wordOrder ?? 0;
  const beta = o.beta ?? 2;
  for (const [k, v] of [['charOrder', charOrder], ['wordOrder', wordOrder], ['beta', beta]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ConfigError(`${where}: '${k}' must be a non-negative integer; got ${v}`);
  }
  if (charOrder + wordOrder === 0) throw new ConfigError(`${where}: 'charOrder' + 'wordOrder' must be positive`);
  return { charOrder, wordOrder, beta, lowercase: o.lowercase ?? false, whitespace: o.whitespace ?? false, epsSmoothing: o.epsSmoothing ?? false };
}
type Resolved = ReturnType<typeof resolve>;

function count(items: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of items) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** Counters of character n-grams (by code point, as Python indexes strings), orders 1..charOrder, then word n-grams. */
function allNgrams(sent: string, o: Resolved): Map<string, number>[] {
  const chars = Array.from(o.whitespace ? sent : splitWhitespace(sent).join(''));
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= o.charOrder; n++) {
    const grams: string[] = [];
    for (let i = 0; i + n <= chars.length; i++) grams.push(chars.slice(i, i + n).join(''));
    out.push(count(grams));
  }
  if (o.wordOrder > 0) {
    // chrF++'s punctuation split: one leading or trailing punctuation mark becomes its own word.
    const words: string[] = [];
    for (const w of splitWhitespace(sent)) {
      const cs = Array.from(w);
      if (cs.length === 1) words.push(w);
      else if (PUNCTS.has(cs[cs.length - 1]!)) words.push(cs.slice(0, -1).join(''), cs[cs.length - 1]!);
      else if (PUNCTS.has(cs[0]!)) words.push(cs[0]!, cs.slice(1).join(''));
      else words.push(w);
    }
    for (let n = 1; n <= o.wordOrder; n++) {
      const grams: string[] = [];
      for (let i = 0; i + n <= words.length; i++) grams.push(words.slice(i, i + n).join(' '));
      out.push(count(grams));
    }
  }
  return out;
}

function matchStats(hyp: Map<string, number>, ref: Map<string, number>): [number, number, number] {
  let match = 0;
  let hypCount = 0;
  for (const [g, c] of hyp) {
    hypCount += c;
    const r = ref.get(g);
    if (r !== undefined) match += Math.min(c, r);
  }
  let refCount = 0;
  for (const c of ref.values()) refCount += c;
  return [ref.size > 0 ? hypCount : 0, refCount, match];
}

function fScore(stats: number[], o: Resolved): number {
  const eps = 1e-16;
  const factor = o.beta ** 2;
  const order = o.charOrder + o.wordOrder;
  let score = 0;
  let effective = 0;
  let avgPrec = 0;
  let avgRec = 0;
  for (let i = 0; i < order; i++) {
    const [nHyp, nRef, nMatch] = [stats[3 * i]!, stats[3 * i + 1]!, stats[3 * i + 2]!];
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effective++;
    }
  }
  if (o.epsSmoothing) return (100 * score) / order;
  if (effective === 0) return 0;
  avgPrec /= effective;
  avgRec /= effective;
  if (avgPrec + avgRec === 0) return 0;
  return (100 * (1 + factor) * avgPrec * avgRec) / (factor * avgPrec + avgRec);
}

function segmentStats(hyp: string, refs: string[], o: Resolved): number[] {
  const prep = (s: string) => (o.lowercase ? s.toLowerCase() : s);
  const h = allNgrams(prep(hyp), o);
  let best: number[] = [];
  let bestF = -1;
  for (const ref of refs) {
    const r = allNgrams(prep(ref), o);
    const stats = h.flatMap((hn, i) => matchStats(hn, r[i]!));
    const f = fScore(stats, o);
    if (f > bestF) {
      bestF = f;
      best = stats;
    }
  }
  return best;
}

/** Corpus chrF in 0–100 (sacrebleu `corpus_chrf`); `references[i]` holds the reference(s) of `hypotheses[i]`. */
export function corpusChrf(hypotheses: readonly string[], references: readonly (string | readonly string[])[], options: ChrfOptions = {}): number {
  const refs = normalizeReferences('corpusChrf', hypotheses, references);
  const o = resolve('corpusChrf', options);
  const sum = new Array<number>(3 * (o.charOrder + o.wordOrder)).fill(0);
  hypotheses.forEach((h, i) => segmentStats(h, refs[i]!, o).forEach((v, j) => (sum[j]! += v)));
  return fScore(sum, o);
}

/** Sentence chrF in 0–100 (sacrebleu `sentence_chrf`). */
export function sentenceChrf(hypothesis: string, references: string | readonly string[], options: ChrfOptions = {}): number {
  const refs = normalizeReferences('sentenceChrf', [hypothesis], [references]);
  const o = resolve('sentenceChrf', options);
  return fScore(segmentStats(hypothesis, refs[0]!, o), o);
}
