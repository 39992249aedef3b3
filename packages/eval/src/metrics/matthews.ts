// Matthews correlation coefficient, as scikit-learn's matthews_corrcoef (Gorodkin's multi-class R_K).
import { confusionMatrix } from './confusion-matrix.js';
import { checkLabelPair, type Label } from './labels.js';

/** MCC in [-1, 1]; 0 when either side predicts a single class (sklearn returns 0 there, not NaN). */
export function matthewsCorrcoef(yTrue: readonly Label[], yPred: readonly Label[]): number {
  checkLabelPair('matthewsCorrcoef', yTrue, yPred);
  const { matrix } = confusionMatrix(yTrue, yPred);
  const k = matrix.length;
  const tSum = matrix.map((r) => r.reduce((a, b) => a + b, 0));
  const pSum = matrix[0]!.map((_, j) => matrix.reduce((a, r) => a + r[j]!, 0));
  let correct = 0;
  for (let i = 0; i < k; i++) correct += matrix[i]![i]!;
  const n = yTrue.length;
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  const covYtYp = correct * n - dot(tSum, pSum);
  const covYpYp = n * n - dot(pSum, pSum);
  const covYtYt = n * n - dot(tSum, tSum);
  const denom = covYpYp * covYtYt;
  return denom === 0 ? 0 : covYtYp / Math.sqrt(denom);
}
