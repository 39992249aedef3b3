// Accuracy, as scikit-learn's accuracy_score: the fraction (or count) of exactly matching labels.
import { checkLabelPair, type Label } from './labels.js';

export interface AccuracyOptions {
  /** Return the fraction of correct samples (default true) or their count. */
  normalize?: boolean;
}

/** Fraction of samples whose predicted label equals the true one (sklearn `accuracy_score`). */
export function accuracy(yTrue: readonly Label[], yPred: readonly Label[], options: AccuracyOptions = {}): number {
  checkLabelPair('accuracy', yTrue, yPred);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return options.normalize === false ? correct : correct / yTrue.length;
}
