// Softmax cross-entropy from integer labels, with an ignore index and the mean over the rows that
// are not ignored (PyTorch's F.cross_entropy(reduction='mean', ignore_index=-100)). It never builds
// a one-hot matrix or a copy of the probabilities in the forward pass: only a per-row log-sum-exp
// [N] is saved for the backward pass, which writes softmax - onehot in one [N, V] output.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { defineComposite, runComposite, runCompositeWithSaved } from './composite.js';
import { assertFloat, assertInt, assertRankAtLeast, lastDim } from './checks.js';
import { ShapeError } from '../errors.js';

function validRows(labels: Tensor, ignoreIndex: number): Tensor {
  return tf.notEqual(labels, tf.scalar(ignoreIndex, 'int32'));
}

export const softmaxCrossEntropyGradKernel = defineComposite({
  kernelName: 'LlmkitSoftmaxCrossEntropyGrad',
  defaultImpl: ({ logits, labels, lse, dy }, attrs) => {
    const [n, v] = (logits as Tensor).shape as [number, number];
    const valid = validRows(labels as Tensor, attrs.ignoreIndex as number);
    const validF = tf.cast(valid, 'float32');
    const scale = tf.div(dy as Tensor, tf.maximum(tf.sum(validF), 1));
    const probs = tf.exp(tf.sub(logits as Tensor, tf.reshape(lse as Tensor, [n, 1])));
    const safeLabels = tf.where(valid, labels as Tensor, tf.zerosLike(labels as Tensor));
    const onehot = tf.cast(tf.oneHot(safeLabels, v), 'float32');
    return tf.mul(tf.sub(probs, onehot), tf.reshape(tf.mul(validF, scale), [n, 1]));
  },
});

export const softmaxCrossEntropyKernel = defineComposite({
  kernelName: 'LlmkitSoftmaxCrossEntropy',
  // Outputs: [loss (scalar), lse [N]].
  defaultImpl: ({ logits, labels }, attrs) => {
    const l = logits as Tensor;
    const [n, v] = l.shape as [number, number];
    const max = tf.max(l, 1, true);
    const lse = tf.add(tf.reshape(max, [n]), tf.log(tf.sum(tf.exp(tf.sub(l, max)), 1)));
    const valid = validRows(labels as Tensor, attrs.ignoreIndex as number);
    const safeLabels = tf.where(valid, labels as Tensor, tf.zerosLike(labels as Tensor));
    // logits[i, label_i] with one gather on the flat logits: no one-hot matrix.
    const flatIndex = tf.add(safeLabels, tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(v, 'int32')));
    const picked = tf.gather(tf.reshape(l, [n * v]), flatIndex);
    const validF = tf.cast(valid, 'float32');
    const loss = tf.div(tf.sum(tf.mul(tf.sub(lse, picked), validF)), tf.maximum(tf.sum(validF), 1));
    return [loss, lse];
  },
  gradient: {
    inputsToSave: ['logits', 'labels'],
    outputsToSave: [false, true],
    gradFunc: (dy, saved, attrs) => {
      const [logits, labels, lse] = saved as Tensor[];
      const dLoss = (dy as Tensor[])[0] as Tensor;
      const dlogits = runComposite(
        softmaxCrossEntropyGradKernel,
        { logits: logits as Tensor, labels: labels as Tensor, lse: lse as Tensor, dy: dLoss },
        attrs,
      )[0] as Tensor;
      // Integer labels never need a gradient; the tape prunes them.
      return { logits: () => dlogits };
    },
  },
});

export interface SoftmaxCrossEntropyOptions {
  /** Label value whose rows are left out of the loss and the mean (default -100, as in PyTorch). */
  ignoreIndex?: number;
}

/**
 * Mean softmax cross-entropy of `logits` [..., V] against integer `labels` [...], skipping rows
 * whose label is `ignoreIndex`. When every row is ignored the loss is 0 (PyTorch gives NaN).
 * Labels outside [0, V) are an error on the CPU backends, which check them.
 *
 * ```ts
 * const loss = softmaxCrossEntropy(logits, labels, { ignoreIndex: -100 });
 * ```
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor, options: SoftmaxCrossEntropyOptions = {}): Tensor {
  const op = 'softmaxCrossEntropy';
  assertRankAtLeast(op, 'logits', logits, 1);
  assertFloat(op, 'logits', logits);
  assertInt(op, 'labels', labels);
  const rowShape = logits.shape.slice(0, -1);
  if (labels.shape.length !== rowShape.length || labels.shape.some((d, i) => d !== rowShape[i])) {
    throw new ShapeError(
      `${op}: 'labels' must have shape [${rowShape.join(', ')}] to match logits [${logits.shape.join(', ')}]; got [${labels.shape.join(', ')}]`,
    );
  }
  const v = lastDim(logits);
  const n = labels.size;
  return tf.tidy(() => {
    const l2 = logits.rank === 2 ? logits : tf.reshape(logits, [n, v]);
    const y1 = labels.rank === 1 ? labels : tf.reshape(labels, [n]);
    return runCompositeWithSaved(softmaxCrossEntropyKernel, { logits: l2, labels: y1 }, { ignoreIndex: options.ignoreIndex ?? -100 });
  });
}
