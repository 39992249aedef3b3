// BLEU as sacrebleu 2.x computes it: mteval-v13a tokenization, n-grams up to 4 clipped by the
// maximum count over references, the closest reference length (shorter on ties) for the brevity
// penalty, and its four smoothing methods (Chen & Cherry 2014). Corpus BLEU sums the statistics.
import { ConfigError } from '@llmkit/core';
import { normalizeReferences, rstripPython, splitWhitespace } from './text-checks.js';

export type BleuSmoothing = 'none' | 'floor' | 'add-k' | 'exp';

export interface BleuOptions {
  /** Default 'exp' (sacrebleu's default for both corpus_bleu and sentence_bleu). */
  smoothMethod?: BleuSmoothing;
  /** For 'floor' (default 0.1) and 'add-k' (default 1). */
  smoothValue?: number;
  /** Lowercase hypotheses and references (default false). */
  lowercase?: boolean;
  /** '13a' (default, mteval-v13a) or 'none' (split on whitespace only). */
  tokenize?: '13a' | 'none';
  /** Highest n-gram order (default 4). */
  maxNgramOrder?: number;
  /** Average only the orders up to the last one with any n-gram (default false; sentenceBleu: true). */
  effectiveOrder?: boolean;
}

export interface BleuScore {
  /** 0–100. */
  score: number;
  /** Matched n-grams per order. */
  counts: number[];
  /** Hypothesis n-grams per order. */
  totals: number[];
  /** Per-order precisions in percent, after smoothing. */
  precisions: number[];
  /** Brevity penalty. */
  bp: number;
  sysLen: number;
  refLen: number;
}

const SMOOTH_DEFAULTS: Record<BleuSmoothing, number> = { none: 0, floor: 0.1, 'add-k': 1, exp: 0 };

// mteval-v13a's language-independent regexes, as sacrebleu's TokenizerRegexp.
const PUNCT = /([{-~[-` -&(-+:-@/])/g;
const PERIOD_COMMA_AFTER = /([^0-9])([.,])/g;
const PERIOD_COMMA_BEFORE = /([.,])([^0-9])/g;
const DASH_AFTER_DIGIT = /([0-9])(-)/g;

/** sacrebleu's 13a tokenizer; returns the tokens. */
export function tokenize13a(line: string): string[] {
  let s = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (s.includes('&')) s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  s = ` ${s} `;
  s = s.replace(PUNCT, ' $1 ').replace(PERIOD_COMMA_AFTER, '$1 $2 ').replace(PERIOD_COMMA_BEFORE, ' $1 $2').replace(DASH_AFTER_DIGIT, '$1 $2 ');
  return splitWhitespace(s);
}

function ngramCounts(tokens: string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      // \u0001 cannot occur inside a token (tokens come from splitting on whitespace and it is a control char joined on).
      const key = `${n}\u0001${tokens.slice(i, i + n).join('\u0001')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

function resolve(where: string, options: BleuOptions, effectiveDefault: boolean) {
  const smoothMethod = options.smoothMethod ?? 'exp';
  if (!(smoothMethod in SMOOTH_DEFAULTS)) throw new ConfigError(`${where}: 'smoothMethod' must be 'none', 'floor', 'add-k' or 'exp'; got ${String(smoothMethod)}`);
  const smoothValue = options.smoothValue ?? SMOOTH_DEFAULTS[smoothMethod];
  if (!Number.isFinite(smoothValue) || smoothValue < 0) throw new ConfigError(`${where}: 'smoothValue' must be a finite number >= 0; got ${smoothValue}`);
  const maxNgramOrder = options.maxNgramOrder ?? 4;
  if (!Number.isInteger(maxNgramOrder) || maxNgramOrder < 1) throw new ConfigError(`${where}: 'maxNgramOrder' must be a positive integer; got ${maxNgramOrder}`);
  const tokenize = options.tokenize ?? '13a';
  if (tokenize !== '13a' && tokenize !== 'none') throw new ConfigError(`${where}: 'tokenize' must be '13a' or 'none'; got ${String(tokenize)}`);
  return { smoothMethod, smoothValue, maxNgramOrder, tokenize, lowercase: options.lowercase ?? false, effectiveOrder: options.effectiveOrder ?? effectiveDefault };
}

type Resolved = ReturnType<typeof resolve>;

/** [sysLen, refLen, correct..., total...] for one segment, as sacrebleu's segment statistics. */
function segmentStats(hyp: string, refs: string[], o: Resolved): number[] {
  const prep = (s: string) => {
    const t = o.lowercase ? s.toLowerCase() : s;
    // sacrebleu rstrip()s before tokenizing.
    const stripped = rstripPython(t);
    return o.tokenize === '13a' ? tokenize13a(stripped) : splitWhitespace(stripped);
  };
  const hypTokens = prep(hyp);
  const refNgrams = new Map<string, number>();
  const refLens: number[] = [];
  for (const ref of refs) {
    const tokens = prep(ref);
    refLens.push(tokens.length);
    for (const [k, c] of ngramCounts(tokens, o.maxNgramOrder)) refNgrams.set(k, Math.max(refNgrams.get(k) ?? 0, c));
  }
  // Closest reference length; on a tie the shorter one.
  let refLen = -1;
  let best = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypTokens.length - len);
    if (best === -1 || diff < best || (diff === best && len < refLen)) {
      best = diff;
      refLen = len;
    }
  }
  const correct = new Array<number>(o.maxNgramOrder).fill(0);
  const total = new Array<number>(o.maxNgramOrder).fill(0);
  for (const [k, c] of ngramCounts(hypTokens, o.maxNgramOrder)) {
    const n = Number(k.slice(0, k.indexOf('\u0001'))) - 1;
    total[n]! += c;
    correct[n]! += Math.min(c, refNgrams.get(k) ?? 0);
  }
  return [hypTokens.length, refLen, ...correct, ...total];
}

/** sacrebleu's my_log: log(0) is floored to -9999999999. */
const flooredLog = (x: number) => (x === 0 ? -9999999999 : Math.log(x));

function scoreFromStats(stats: number[], o: Resolved): BleuScore {
  const n = o.maxNgramOrder;
  const sysLen = stats[0]!;
  const refLen = stats[1]!;
  const correct = stats.slice(2, 2 + n);
  const total = stats.slice(2 + n, 2 + 2 * n);
  const counts = [...correct];
  const totals = [...total];
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(n).fill(0);
  if (!correct.some((c) => c > 0)) return { score: 0, counts, totals, precisions, bp, sysLen, refLen };
  let smoothMteval = 1;
  let effOrder = n;
  for (let i = 1; i <= n; i++) {
    if (o.smoothMethod === 'add-k' && i > 1) {
      correct[i - 1]! += o.smoothValue;
      total[i - 1]! += o.smoothValue;
    }
    if (total[i - 1] === 0) break;
    if (o.effectiveOrder) effOrder = i;
    if (correct[i - 1] === 0) {
      if (o.smoothMethod === 'exp') {
        smoothMteval *= 2;
        precisions[i - 1] = 100 / (smoothMteval * total[i - 1]!);
      } else if (o.smoothMethod === 'floor') {
        precisions[i - 1] = (100 * o.smoothValue) / total[i - 1]!;
      }
    } else {
      precisions[i - 1] = (100 * correct[i - 1]!) / total[i - 1]!;
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += flooredLog(precisions[i]!);
  return { score: bp * Math.exp(logSum / effOrder), counts, totals, precisions, bp, sysLen, refLen };
}

/**
 * Corpus BLEU (sacrebleu `corpus_bleu` with its defaults). `references[i]` holds the reference(s)
 * of `hypotheses[i]` — one string or several (sacrebleu takes reference *streams* instead:
 * `refs[j][i]` is our `references[i][j]`).
 */
export function corpusBleu(hypotheses: readonly string[], references: readonly (string | readonly string[])[], options: BleuOptions = {}): BleuScore {
  const refs = normalizeReferences('corpusBleu', hypotheses, references);
  const o = resolve('corpusBleu', options, false);
  const sum = new Array<number>(2 + 2 * o.maxNgramOrder).fill(0);
  hypotheses.forEach((h, i) => segmentStats(h, refs[i]!, o).forEach((v, j) => (sum[j]! += v)));
  return scoreFromStats(sum, o);
}

/** Sentence BLEU (sacrebleu `sentence_bleu`: smoothing 'exp' and effective order by default). */
export function sentenceBleu(hypothesis: string, references: string | readonly string[], options: BleuOptions = {}): BleuScore {
  const refs = normalizeReferences('sentenceBleu', [hypothesis], [references]);
  const o = resolve('sentenceBleu', options, true);
  return scoreFromStats(segmentStats(hypothesis, refs[0]!, o), o);
}
