// Precision, recall and F-beta, as scikit-learn's precision_recall_fscore_support: binary (one
// positive label), micro, macro and weighted averages, per-class values, and its zero_division rule.
import { ConfigError } from '@llmkit/core';
import { checkLabelPair, labelCounts, uniqueLabels, type Label } from './labels.js';

export type Average = 'binary' | 'micro' | 'macro' | 'weighted' | null;

export interface PrecisionRecallOptions {
  /** Default 'binary', as scikit-learn; null returns per-class arrays. */
  average?: Average;
  /** The positive class for average 'binary' (default 1). */
  posLabel?: Label;
  /** Labels to include and their order (default: the sorted union of both arrays). */
  labels?: readonly Label[];
  /** F-beta's beta (default 1). */
  beta?: number;
  /**
   * Value of a ratio whose denominator is 0: 0 (default, sklearn's 'warn' without the warning),
   * 1, or NaN (then left out of averages, as sklearn does).
   */
  zeroDivision?: 0 | 1 | typeof NaN;
}

export interface PrecisionRecallResult<T> {
  precision: T;
  recall: T;
  f: T;
  /** Number of true samples of each label (per-class results only). */
  support?: number[];
  /** The labels the per-class values belong to. */
  labels: Label[];
}

function divide(num: number, den: number, zero: number): number {
  return den === 0 ? zero : num / den;
}

/** sklearn's _nanaverage: NaNs left out; weights summing to 0 fall back to the plain mean. */
function nanAverage(values: number[], weights?: number[]): number {
  const keep = values.map((v) => !Number.isNaN(v));
  const vs = values.filter((_, i) => keep[i]);
  if (vs.length === 0) return NaN;
  if (weights) {
    const ws = weights.filter((_, i) => keep[i]);
    const total = ws.reduce((a, b) => a + b, 0);
    if (total !== 0) return vs.reduce((s, v, i) => s + v * ws[i]!, 0) / total;
  }
  return vs.reduce((a, b) => a + b, 0) / vs.length;
}

function resolve(where: string, yTrue: readonly Label[], yPred: readonly Label[], options: PrecisionRecallOptions) {
  checkLabelPair(where, yTrue, yPred);
  const average = options.average === undefined ? 'binary' : options.average;
  if (![null, 'binary', 'micro', 'macro', 'weighted'].includes(average)) {
    throw new ConfigError(`${where}: 'average' must be 'binary', 'micro', 'macro', 'weighted' or null; got ${String(average)}`);
  }
  const beta = options.beta ?? 1;
  if (!(beta >= 0) || beta === Infinity) throw new ConfigError(`${where}: 'beta' must be a finite number >= 0; got ${beta}`);
  const zero = options.zeroDivision ?? 0;
  if (!(zero === 0 || zero === 1 || Number.isNaN(zero))) throw new ConfigError(`${where}: 'zeroDivision' must be 0, 1 or NaN; got ${String(zero)}`);
  let labels: Label[];
  if (average === 'binary') {
    const present = uniqueLabels(yTrue, yPred);
    const pos = options.posLabel ?? 1;
    if (present.length > 2) {
      throw new ConfigError(`${where}: average 'binary' needs at most 2 classes; got ${present.length} ([${present.join(', ')}]): choose 'micro', 'macro' or 'weighted'`);
    }
    if (present.length === 2 && !present.includes(pos)) {
      throw new ConfigError(`${where}: 'posLabel' ${String(pos)} is not a label; labels are [${present.join(', ')}]`);
    }
    labels = [pos];
  } else {
    labels = options.labels ? [...options.labels] : uniqueLabels(yTrue, yPred);
  }
  return { average, beta, zero, labels };
}

/**
 * Precision, recall and F-beta (sklearn `precision_recall_fscore_support`). With an average the
 * values are numbers; with `average: null`, arrays over `labels`.
 */
export function precisionRecallFscore(yTrue: readonly Label[], yPred: readonly Label[], options: PrecisionRecallOptions & { average: null }): PrecisionRecallResult<number[]>;
export function precisionRecallFscore(yTrue: readonly Label[], yPred: readonly Label[], options?: PrecisionRecallOptions): PrecisionRecallResult<number>;
export function precisionRecallFscore(yTrue: readonly Label[], yPred: readonly Label[], options: PrecisionRecallOptions = {}): PrecisionRecallResult<number | number[]> {
  const { average, beta, zero, labels } = resolve('precisionRecallFscore', yTrue, yPred, options);
  const counts = labelCounts(yTrue, yPred, labels);
  let { tp, pred, true: tru } = counts;
  if (average === 'micro') {
    const sum = (a: number[]) => [a.reduce((x, y) => x + y, 0)];
    tp = sum(tp);
    pred = sum(pred);
    tru = sum(tru);
  }
  const b2 = beta * beta;
  const precision = tp.map((t, i) => divide(t, pred[i]!, zero));
  const recall = tp.map((t, i) => divide(t, tru[i]!, zero));
  // sklearn computes F from the counts, (1 + b²) tp / (b² true + pred), so that an ill-defined
  // precision or recall does not leak into F; beta 0 is precision.
  const f = beta === 0 ? precision : tp.map((t, i) => divide((1 + b2) * t, b2 * tru[i]! + pred[i]!, zero));
  if (average === null) return { precision, recall, f, support: counts.true, labels };
  const weights = average === 'weighted' ? tru : undefined;
  return { precision: nanAverage(precision, weights), recall: nanAverage(recall, weights), f: nanAverage(f, weights), labels };
}

/** Precision (sklearn `precision_score`). */
export function precision(yTrue: readonly Label[], yPred: readonly Label[], options: Omit<PrecisionRecallOptions, 'average'> & { average?: Exclude<Average, null> } = {}): number {
  return precisionRecallFscore(yTrue, yPred, options).precision;
}

/** Recall (sklearn `recall_score`). */
export function recall(yTrue: readonly Label[], yPred: readonly Label[], options: Omit<PrecisionRecallOptions, 'average'> & { average?: Exclude<Average, null> } = {}): number {
  return precisionRecallFscore(yTrue, yPred, options).recall;
}

/** F1 (sklearn `f1_score`). */
export function f1(yTrue: readonly Label[], yPred: readonly Label[], options: Omit<PrecisionRecallOptions, 'average' | 'beta'> & { average?: Exclude<Average, null> } = {}): number {
  return precisionRecallFscore(yTrue, yPred, { ...options, beta: 1 }).f;
}
