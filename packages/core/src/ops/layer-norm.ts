// LayerNorm over the last axis with an explicit gradient. The forward kernel also returns the
// per-row mean and 1/std for the backward pass; gamma/beta gradients are one reduction over rows
// (no Tile of gamma and no per-row kernels).
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { defineComposite, runComposite, runCompositeWithSaved } from './composite.js';
import { assertFloat, assertRankAtLeast, assertShape, lastDim } from './checks.js';

function rowsView(t: Tensor): Tensor {
  const c = lastDim(t);
  return tf.reshape(t, [t.size / c, c]);
}

export const layerNormGradKernel = defineComposite({
  kernelName: 'LlmkitLayerNormGrad',
  // Inputs: dy, x [..., C], gamma [C], mean [...], rstd [...]. Outputs: dx, dgamma, dbeta.
  defaultImpl: ({ dy, x, gamma, mean, rstd }) => {
    const d = rowsView(dy as Tensor);
    const xr = rowsView(x as Tensor);
    const rows = xr.shape[0] as number;
    const m = tf.reshape(mean as Tensor, [rows, 1]);
    const r = tf.reshape(rstd as Tensor, [rows, 1]);
    const xhat = tf.mul(tf.sub(xr, m), r);
    const dgamma = tf.sum(tf.mul(d, xhat), 0);
    const dbeta = tf.sum(d, 0);
    const g = tf.mul(d, gamma as Tensor);
    const dx = tf.mul(r, tf.sub(tf.sub(g, tf.mean(g, 1, true)), tf.mul(xhat, tf.mean(tf.mul(g, xhat), 1, true))));
    return [tf.reshape(dx, (x as Tensor).shape), dgamma, dbeta];
  },
});

export const layerNormKernel = defineComposite({
  kernelName: 'LlmkitLayerNorm',
  // Outputs: y, mean [...], rstd [...] (the row shape of x).
  defaultImpl: ({ x, gamma, beta }, attrs) => {
    const t = x as Tensor;
    const axis = t.rank - 1;
    const mean = tf.mean(t, axis, true);
    const centered = tf.sub(t, mean);
    const variance = tf.mean(tf.square(centered), axis, true);
    const rstd = tf.rsqrt(tf.add(variance, attrs.epsilon as number));
    const y = tf.add(tf.mul(tf.mul(centered, rstd), gamma as Tensor), beta as Tensor);
    const rowShape = t.shape.slice(0, -1);
    return [y, tf.reshape(mean, rowShape), tf.reshape(rstd, rowShape)];
  },
  gradient: {
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dy, saved) => {
      const [x, gamma, mean, rstd] = saved as Tensor[];
      const [dx, dgamma, dbeta] = runComposite(layerNormGradKernel, {
        dy: (dy as Tensor[])[0] as Tensor,
        x: x as Tensor,
        gamma: gamma as Tensor,
        mean: mean as Tensor,
        rstd: rstd as Tensor,
      }) as [Tensor, Tensor, Tensor];
      return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
    },
  },
});

export interface LayerNormOptions {
  /** Added to the variance (default 1e-5, PyTorch's and GPT-2's). */
  epsilon?: number;
}

/**
 * Layer normalization over the last axis: (x - mean) / sqrt(var + epsilon) * gamma + beta,
 * with the biased variance, as torch.nn.functional.layer_norm.
 *
 * ```ts
 * const y = layerNorm(x, gamma, beta, { epsilon: 1e-5 });  // x [B, T, C], gamma/beta [C]
 * ```
 */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, options: LayerNormOptions = {}): Tensor {
  const op = 'layerNorm';
  assertRankAtLeast(op, 'x', x, 1);
  assertFloat(op, 'x', x);
  assertShape(op, 'gamma', gamma, [lastDim(x)]);
  assertShape(op, 'beta', beta, [lastDim(x)]);
  return runCompositeWithSaved(layerNormKernel, { x, gamma, beta }, { epsilon: options.epsilon ?? 1e-5 });
}
