// logSoftmax over the last axis, as a composite kernel with an explicit gradient
// (dx = dy - softmax(x) * sum(dy)), computed with one max and one log-sum-exp pass.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { defineComposite, runComposite } from './composite.js';
import { assertFloat, assertRankAtLeast } from './checks.js';
import { ShapeError } from '../errors.js';

export const logSoftmaxGradKernel = defineComposite({
  kernelName: 'LlmkitLogSoftmaxGrad',
  defaultImpl: ({ dy, y }) => {
    const axis = (y as Tensor).rank - 1;
    return tf.sub(dy as Tensor, tf.mul(tf.exp(y as Tensor), tf.sum(dy as Tensor, axis, true)));
  },
});

export const logSoftmaxKernel = defineComposite({
  kernelName: 'LlmkitLogSoftmax',
  defaultImpl: ({ x }) => {
    const t = x as Tensor;
    const axis = t.rank - 1;
    const shifted = tf.sub(t, tf.max(t, axis, true));
    return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
  },
  gradient: {
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved as Tensor[];
      return { x: () => runComposite(logSoftmaxGradKernel, { dy: dy as Tensor, y: y as Tensor })[0] as Tensor };
    },
  },
});

/**
 * Log of the softmax over the last axis, stable for large logits.
 *
 * ```ts
 * const logp = logSoftmax(tf.tensor2d([[1, 2, 3]]));   // [[-2.41, -1.41, -0.41]]
 * ```
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  assertRankAtLeast('logSoftmax', 'x', x, 1);
  assertFloat('logSoftmax', 'x', x);
  if (axis !== -1 && axis !== x.rank - 1) {
    throw new ShapeError(`logSoftmax: only the last axis is supported; got axis ${axis} for rank ${x.rank}`);
  }
  return runComposite(logSoftmaxKernel, { x })[0] as Tensor;
}
