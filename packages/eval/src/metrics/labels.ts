// Shared input checks of the classification metrics: two equally long label arrays, and the set of
// labels scikit-learn would use (the sorted union of both, numbers numerically, strings by code unit).
import { ConfigError, ShapeError } from '@llmkit/core';

/** A class label: an integer class id or a string name, as scikit-learn accepts. */
export type Label = number | string;

/** Throws unless `yTrue` and `yPred` are non-empty arrays of labels of one type and equal length. */
export function checkLabelPair(where: string, yTrue: readonly Label[], yPred: readonly Label[]): void {
  if (!Array.isArray(yTrue) || !Array.isArray(yPred)) {
    throw new ConfigError(`${where}: 'yTrue' and 'yPred' must be arrays of labels; got ${typeof yTrue} and ${typeof yPred}`);
  }
  if (yTrue.length !== yPred.length) {
    throw new ShapeError(`${where}: 'yTrue' and 'yPred' must have the same length; got ${yTrue.length} and ${yPred.length}`);
  }
  if (yTrue.length === 0) throw new ShapeError(`${where}: 'yTrue' is empty; need at least one sample`);
  let kind: string | undefined;
  for (const [name, ys] of [['yTrue', yTrue], ['yPred', yPred]] as const) {
    for (let i = 0; i < ys.length; i++) {
      const y = ys[i];
      const k = typeof y === 'number' && Number.isFinite(y) ? 'number' : typeof y === 'string' ? 'string' : 'invalid';
      if (k === 'invalid') throw new ConfigError(`${where}: '${name}[${i}]' must be a finite number or a string; got ${String(y)}`);
      kind ??= k;
      if (k !== kind) throw new ConfigError(`${where}: labels must be all numbers or all strings; '${name}[${i}]' is a ${k}, earlier ones ${kind}s`);
    }
  }
}

/** scikit-learn's `unique_labels`: the sorted union of the labels in both arrays. */
export function uniqueLabels(...arrays: (readonly Label[])[]): Label[] {
  const set = new Set<Label>();
  for (const ys of arrays) for (const y of ys) set.add(y);
  return [...set].sort(compareLabels);
}

export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Per-label counts of true positives, predictions and true samples, in the order of `labels`. */
export function labelCounts(yTrue: readonly Label[], yPred: readonly Label[], labels: readonly Label[]): { tp: number[]; pred: number[]; true: number[] } {
  const index = new Map(labels.map((l, i) => [l, i]));
  const tp = labels.map(() => 0);
  const pred = labels.map(() => 0);
  const tru = labels.map(() => 0);
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i] as Label);
    const p = index.get(yPred[i] as Label);
    if (t !== undefined) tru[t]! += 1;
    if (p !== undefined) pred[p]! += 1;
    if (t !== undefined && t === p) tp[t]! += 1;
  }
  return { tp, pred, true: tru };
}
