// GELU in PyTorch's two forms: exact ('none', with erf) and GPT-2's tanh approximation ('tanh').
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { defineComposite, runComposite } from './composite.js';
import { assertFloat } from './checks.js';
import { ConfigError } from '../errors.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const COEF = 0.044715;

export const geluGradKernel = defineComposite({
  kernelName: 'LlmkitGeluGrad',
  defaultImpl: ({ dy, x }, attrs) => {
    const t = x as Tensor;
    let dydx: Tensor;
    if (attrs.approximate === 'tanh') {
      const x2 = tf.square(t);
      const th = tf.tanh(tf.mul(SQRT_2_OVER_PI, tf.mul(t, tf.add(1, tf.mul(COEF, x2)))));
      const du = tf.mul(SQRT_2_OVER_PI, tf.add(1, tf.mul(3 * COEF, x2)));
      dydx = tf.add(tf.mul(0.5, tf.add(1, th)), tf.mul(tf.mul(0.5, t), tf.mul(tf.sub(1, tf.square(th)), du)));
    } else {
      const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(t, INV_SQRT_2))));
      const pdf = tf.mul(INV_SQRT_2PI, tf.exp(tf.mul(-0.5, tf.square(t))));
      dydx = tf.add(cdf, tf.mul(t, pdf));
    }
    return tf.mul(dy as Tensor, dydx);
  },
});

export const geluKernel = defineComposite({
  kernelName: 'LlmkitGelu',
  defaultImpl: ({ x }, attrs) => {
    const t = x as Tensor;
    if (attrs.approximate === 'tanh') {
      const inner = tf.mul(SQRT_2_OVER_PI, tf.add(t, tf.mul(COEF, tf.pow(t, 3))));
      return tf.mul(tf.mul(0.5, t), tf.add(1, tf.tanh(inner)));
    }
    return tf.mul(tf.mul(0.5, t), tf.add(1, tf.erf(tf.mul(t, INV_SQRT_2))));
  },
  gradient: {
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as Tensor[];
      return { x: () => runComposite(geluGradKernel, { dy: dy as Tensor, x: x as Tensor }, attrs)[0] as Tensor };
    },
  },
});

export interface GeluOptions {
  /** `'none'` (exact, erf; PyTorch's default and BERT's) or `'tanh'` (GPT-2's approximation). */
  approximate?: 'none' | 'tanh';
}

/**
 * Gaussian error linear unit, as torch.nn.functional.gelu.
 *
 * ```ts
 * const h = gelu(x, { approximate: 'tanh' });   // GPT-2's "gelu_new"
 * ```
 */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  assertFloat('gelu', 'x', x);
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ConfigError(`gelu: 'approximate' must be 'none' or 'tanh'; got ${JSON.stringify(approximate)}`);
  }
  return runComposite(geluKernel, { x }, { approximate })[0] as Tensor;
}
