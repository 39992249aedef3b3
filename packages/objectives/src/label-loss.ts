// The loss every built-in objective ends in: mean softmax cross-entropy of one model output against
// integer labels prepared on the host, skipping IGNORE_INDEX, through core's fused kernel.
import { softmaxCrossEntropy, tf } from '@llmkit/core';
import { readOutput } from './checks.js';
import { IGNORE_INDEX, type HostTensor } from './objective.js';
import { maxLabel, toTensor } from './tensors.js';

/**
 * Cross-entropy of `outputs[key]` (shape `[...labels.shape, V]`) against `labels`, and `count`,
 * the number of labels that are not IGNORE_INDEX (the rows the mean runs over; 0 gives a loss of 0).
 */
export function labelLoss(where: string, outputs: object, key: string, labels: HostTensor & { values: Int32Array }): { loss: tf.Scalar; count: number } {
  const values = labels.values;
  const logits = readOutput(where, outputs, key, [...labels.shape, 'V'], maxLabel(values) + 1);
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== IGNORE_INDEX) count++;
  const loss = tf.tidy(() => softmaxCrossEntropy(logits, toTensor(labels), { ignoreIndex: IGNORE_INDEX })) as tf.Scalar;
  return { loss, count };
}
