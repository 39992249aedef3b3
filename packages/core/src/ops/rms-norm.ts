// RMSNorm over the last axis (x / sqrt(mean(x^2) + eps) * gamma) with an explicit gradient; the
// forward kernel also returns 1/rms per row for the backward pass.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { defineComposite, runComposite, runCompositeWithSaved } from './composite.js';
import { assertFloat, assertRankAtLeast, assertShape, lastDim } from './checks.js';

export const rmsNormGradKernel = defineComposite({
  kernelName: 'LlmkitRmsNormGrad',
  // Inputs: dy, x [..., C], gamma [C], rstd [...]. Outputs: dx, dgamma.
  defaultImpl: ({ dy, x, gamma, rstd }) => {
    const c = lastDim(x as Tensor);
    const rows = (x as Tensor).size / c;
    const d = tf.reshape(dy as Tensor, [rows, c]);
    const r = tf.reshape(rstd as Tensor, [rows, 1]);
    const xhat = tf.mul(tf.reshape(x as Tensor, [rows, c]), r);
    const dgamma = tf.sum(tf.mul(d, xhat), 0);
    const g = tf.mul(d, gamma as Tensor);
    const dx = tf.mul(r, tf.sub(g, tf.mul(xhat, tf.mean(tf.mul(g, xhat), 1, true))));
    return [tf.reshape(dx, (x as Tensor).shape), dgamma];
  },
});

export const rmsNormKernel = defineComposite({
  kernelName: 'LlmkitRmsNorm',
  // Outputs: y, rstd [...].
  defaultImpl: ({ x, gamma }, attrs) => {
    const t = x as Tensor;
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(t), t.rank - 1, true), attrs.epsilon as number));
    return [tf.mul(tf.mul(t, rstd), gamma as Tensor), tf.reshape(rstd, t.shape.slice(0, -1))];
  },
  gradient: {
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true],
    gradFunc: (dy, saved) => {
      const [x, gamma, rstd] = saved as Tensor[];
      const [dx, dgamma] = runComposite(rmsNormGradKernel, {
        dy: (dy as Tensor[])[0] as Tensor,
        x: x as Tensor,
        gamma: gamma as Tensor,
        rstd: rstd as Tensor,
      }) as [Tensor, Tensor];
      return { x: () => dx, gamma: () => dgamma };
    },
  },
});

export interface RmsNormOptions {
  /** Added to the mean square (default 1e-6). */
  epsilon?: number;
}

/**
 * Root-mean-square normalization over the last axis (Zhang & Sennrich 2019; LLaMA's norm).
 *
 * ```ts
 * const y = rmsNorm(x, gamma, { epsilon: 1e-6 });
 * ```
 */
export function rmsNorm(x: Tensor, gamma: Tensor, options: RmsNormOptions = {}): Tensor {
  const op = 'rmsNorm';
  assertRankAtLeast(op, 'x', x, 1);
  assertFloat(op, 'x', x);
  assertShape(op, 'gamma', gamma, [lastDim(x)]);
  return runCompositeWithSaved(rmsNormKernel, { x, gamma }, { epsilon: options.epsilon ?? 1e-6 });
}
