// ROUGE-N, ROUGE-L and ROUGE-Lsum with rouge-score's semantics (Lin 2004; google-research/rouge):
// lowercase, every run of characters outside [a-z0-9] is a separator, F-measure from precision and
// recall; Lsum is the summary-level union LCS over newline-separated sentences. Several references:
// the one with the best F-measure per key. Corpus scores are the mean over pairs.
import { ConfigError } from '@llmkit/core';
import { porterStem } from './porter-stemmer.js';
import { normalizeReferences } from './text-checks.js';

export type RougeKey = `rouge${number}` | 'rougeL' | 'rougeLsum';

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

export interface RougeOptions {
  /** Default ['rouge1', 'rouge2', 'rougeL', 'rougeLsum']. */
  keys?: readonly RougeKey[];
  /** Porter-stem tokens longer than 3 characters (rouge-score's use_stemmer; NLTK's stemmer). Default false. */
  useStemmer?: boolean;
}

/** rouge-score's tokenizer: lowercase, [a-z0-9]+ runs, optionally Porter-stemmed when longer than 3. */
export function rougeTokenize(text: string, useStemmer = false): string[] {
  const tokens = text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(' ').filter((t) => t.length > 0);
  return useStemmer ? tokens.map((t) => (t.length > 3 ? porterStem(t) : t)) : tokens;
}

function prf(hits: number, predLen: number, targetLen: number): RougeScore {
  const precision = hits / predLen;
  const recall = hits / targetLen;
  if (precision === 0 && recall === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  return { precision, recall, fmeasure: (2 * precision * recall) / (precision + recall) };
}

const ZERO: RougeScore = { precision: 0, recall: 0, fmeasure: 0 };

function ngrams(tokens: string[], n: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const k = tokens.slice(i, i + n).join(' ');
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function rougeN(pred: string[], target: string[], n: number): RougeScore {
  const p = ngrams(pred, n);
  const t = ngrams(target, n);
  const pl = pred.length - n + 1;
  const tl = target.length - n + 1;
  if (pl <= 0 || tl <= 0) return ZERO;
  let hits = 0;
  for (const [k, c] of p) hits += Math.min(c, t.get(k) ?? 0);
  return prf(hits, pl, tl);
}

/** LCS table, rows over `target`, columns over `pred`. */
function lcsTable(pred: string[], target: string[]): Int32Array[] {
  const table = Array.from({ length: target.length + 1 }, () => new Int32Array(pred.length + 1));
  for (let i = 1; i <= target.length; i++) {
    for (let j = 1; j <= pred.length; j++) {
      table[i]![j] = target[i - 1] === pred[j - 1] ? table[i - 1]![j - 1]! + 1 : Math.max(table[i - 1]![j]!, table[i]![j - 1]!);
    }
  }
  return table;
}

function rougeL(pred: string[], target: string[]): RougeScore {
  if (pred.length === 0 || target.length === 0) return ZERO;
  const t = lcsTable(pred, target);
  return prf(t[target.length]![pred.length]!, pred.length, target.length);
}

/** Indices into `target` of one LCS with `pred`, backtracked as rouge-score does (ties move along target). */
function lcsIndices(pred: string[], target: string[]): number[] {
  const t = lcsTable(pred, target);
  let i = pred.length;
  let j = target.length;
  const out: number[] = [];
  while (i > 0 && j > 0) {
    if (pred[i - 1] === target[j - 1]) {
      out.unshift(j - 1);
      i--;
      j--;
    } else if (t[j]![i - 1]! > t[j - 1]![i]!) i--;
    else j--;
  }
  return out;
}

function rougeLsum(pred: string[][], target: string[][]): RougeScore {
  const predLen = pred.reduce((a, s) => a + s.length, 0);
  const targetLen = target.reduce((a, s) => a + s.length, 0);
  if (predLen === 0 || targetLen === 0) return ZERO;
  const countOf = (sents: string[][]) => {
    const m = new Map<string, number>();
    for (const s of sents) for (const w of s) m.set(w, (m.get(w) ?? 0) + 1);
    return m;
  };
  const pc = countOf(pred);
  const tc = countOf(target);
  let hits = 0;
  for (const tgt of target) {
    const union = new Set<number>();
    for (const p of pred) for (const i of lcsIndices(p, tgt)) union.add(i);
    for (const i of [...union].sort((a, b) => a - b)) {
      const w = tgt[i]!;
      if ((pc.get(w) ?? 0) > 0 && (tc.get(w) ?? 0) > 0) {
        hits++;
        pc.set(w, pc.get(w)! - 1);
        tc.set(w, tc.get(w)! - 1);
      }
    }
  }
  return prf(hits, predLen, targetLen);
}

function checkKeys(where: string, keys: readonly string[]): void {
  if (!Array.isArray(keys) || keys.length === 0) throw new ConfigError(`${where}: 'keys' must be a non-empty array`);
  for (const k of keys) {
    if (k === 'rougeL' || k === 'rougeLsum') continue;
    const m = /^rouge([1-9][0-9]*)$/.exec(k);
    if (!m) throw new ConfigError(`${where}: 'keys' entries must be 'rouge<N>', 'rougeL' or 'rougeLsum'; got ${JSON.stringify(k)}`);
  }
}

function scorePair(pred: string, target: string, keys: readonly string[], stem: boolean): Record<string, RougeScore> {
  const tok = (s: string) => rougeTokenize(s, stem);
  const p = tok(pred);
  const t = tok(target);
  const out: Record<string, RougeScore> = {};
  for (const k of keys) {
    if (k === 'rougeL') out[k] = rougeL(p, t);
    else if (k === 'rougeLsum') {
      const sents = (s: string) => s.split('\n').filter((x) => x.length > 0).map(tok);
      out[k] = rougeLsum(sents(pred), sents(target));
    } else out[k] = rougeN(p, t, Number(k.slice(5)));
  }
  return out;
}

const DEFAULT_KEYS: readonly RougeKey[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

/** ROUGE of one prediction against one or more references (rouge-score `score` / `score_multi`). */
export function rougeScore(prediction: string, references: string | readonly string[], options: RougeOptions = {}): Record<string, RougeScore> {
  const refs = normalizeReferences('rougeScore', [prediction], [references])[0]!;
  const keys = options.keys ?? DEFAULT_KEYS;
  checkKeys('rougeScore', keys);
  const perRef = refs.map((r) => scorePair(prediction, r, keys, options.useStemmer ?? false));
  const out: Record<string, RougeScore> = {};
  // The best reference per key by F-measure; on a tie the first (as argmax).
  for (const k of keys) out[k] = perRef.reduce((best, s) => (s[k]!.fmeasure > best[k]!.fmeasure ? s : best))[k]!;
  return out;
}

/** Mean ROUGE over prediction/reference pairs (torchmetrics' `rouge_score` with accumulate 'best'). */
export function corpusRouge(predictions: readonly string[], references: readonly (string | readonly string[])[], options: RougeOptions = {}): Record<string, RougeScore> {
  const refs = normalizeReferences('corpusRouge', predictions, references);
  const keys = options.keys ?? DEFAULT_KEYS;
  checkKeys('corpusRouge', keys);
  const sums: Record<string, RougeScore> = Object.fromEntries(keys.map((k) => [k, { precision: 0, recall: 0, fmeasure: 0 }]));
  predictions.forEach((p, i) => {
    const s = rougeScore(p, refs[i]!, { keys, useStemmer: options.useStemmer });
    for (const k of keys) for (const f of ['precision', 'recall', 'fmeasure'] as const) sums[k]![f] += s[k]![f];
  });
  for (const k of keys) for (const f of ['precision', 'recall', 'fmeasure'] as const) sums[k]![f] /= Math.max(predictions.length, 1);
  return sums;
}
