// The confusion matrix, as scikit-learn's confusion_matrix: rows are true labels, columns predicted.
import { ConfigError } from '@llmkit/core';
import { checkLabelPair, uniqueLabels, type Label } from './labels.js';

export interface ConfusionMatrixOptions {
  /** Row/column order (default: the sorted union of both arrays); samples with other labels are left out. */
  labels?: readonly Label[];
  /** Divide by row sums ('true'), column sums ('pred') or the total ('all'); default counts. */
  normalize?: 'true' | 'pred' | 'all';
}

/** `matrix[i][j]` counts samples of true label `labels[i]` predicted as `labels[j]`. */
export function confusionMatrix(yTrue: readonly Label[], yPred: readonly Label[], options: ConfusionMatrixOptions = {}): { labels: Label[]; matrix: number[][] } {
  checkLabelPair('confusionMatrix', yTrue, yPred);
  const labels = options.labels ? [...options.labels] : uniqueLabels(yTrue, yPred);
  if (labels.length === 0) throw new ConfigError(`confusionMatrix: 'labels' must not be empty`);
  const index = new Map(labels.map((l, i) => [l, i]));
  if (index.size !== labels.length) throw new ConfigError(`confusionMatrix: 'labels' must be distinct; got [${labels.join(', ')}]`);
  const m = labels.map(() => labels.map(() => 0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i] as Label);
    const p = index.get(yPred[i] as Label);
    if (t !== undefined && p !== undefined) m[t]![p]! += 1;
  }
  const { normalize } = options;
  if (normalize === undefined) return { labels, matrix: m };
  if (!['true', 'pred', 'all'].includes(normalize)) throw new ConfigError(`confusionMatrix: 'normalize' must be 'true', 'pred' or 'all'; got ${String(normalize)}`);
  // sklearn divides with errstate(all='ignore') and then replaces NaN by 0 (an empty row or column).
  const total = m.flat().reduce((a, b) => a + b, 0);
  const rowSum = m.map((r) => r.reduce((a, b) => a + b, 0));
  const colSum = labels.map((_, j) => m.reduce((a, r) => a + r[j]!, 0));
  const matrix = m.map((r, i) =>
    r.map((v, j) => {
      const d = normalize === 'true' ? rowSum[i]! : normalize === 'pred' ? colSum[j]! : total;
      return d === 0 ? 0 : v / d;
    }),
  );
  return { labels, matrix };
}
