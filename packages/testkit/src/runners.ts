// Each composite op as a scalar loss of random inputs, for the leak checks and the finite-difference
// gradient properties: `loss(xs, others)` is sum(op(...) * w) for a fixed random weight w, so every
// output element contributes to the gradient.
import {
  Rng,
  embedding,
  gelu,
  layerNorm,
  logSoftmax,
  rmsNorm,
  scaledDotProductAttention,
  softmaxCrossEntropy,
  tf,
} from '@llmkit/core';

export interface OpInputs {
  /** Inputs the loss is differentiated with respect to. */
  xs: tf.Tensor[];
  /** Other inputs (labels, ids, masks, the projection weight). */
  others: tf.Tensor[];
}

export interface CompositeOpRunner {
  name: string;
  /** Random inputs of a small shape drawn from `rng`; `size` scales the dimensions (1 = smallest). */
  make(rng: Rng, size: number): OpInputs;
  /** A scalar loss of the op. */
  loss(xs: tf.Tensor[], others: tf.Tensor[]): tf.Tensor;
}

function randn(rng: Rng, shape: number[], std = 1): tf.Tensor {
  return tf.tensor(rng.normalArray(shape.reduce((a, d) => a * d, 1), 0, std), shape);
}

function randInt(rng: Rng, shape: number[], bound: number): tf.Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  return tf.tensor(Int32Array.from({ length: n }, () => rng.nextInt(bound)), shape, 'int32');
}

/** sum(y * w): a scalar whose gradient with respect to y is w. */
function project(y: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(y, w));
}

export const compositeOpRunners: readonly CompositeOpRunner[] = [
  {
    name: 'logSoftmax',
    make: (rng, s) => ({ xs: [randn(rng, [2 * s, 3 + 2 * s], 2)], others: [randn(rng, [2 * s, 3 + 2 * s])] }),
    loss: ([x], [w]) => project(logSoftmax(x!), w!),
  },
  {
    name: 'softmaxCrossEntropy',
    make: (rng, s) => {
      const labels = randInt(rng, [3 * s], 5 + s);
      // One ignored row (ignoreIndex -100), so the mean over non-ignored rows is exercised.
      const withIgnored = tf.tidy(() => tf.where(tf.equal(tf.range(0, 3 * s, 1, 'int32'), 0), tf.fill([3 * s], -100, 'int32'), labels));
      labels.dispose();
      return { xs: [randn(rng, [3 * s, 5 + s], 2)], others: [withIgnored] };
    },
    loss: ([logits], [labels]) => softmaxCrossEntropy(logits!, labels!, { ignoreIndex: -100 }),
  },
  {
    name: 'layerNorm',
    make: (rng, s) => {
      const c = 3 + 2 * s;
      return { xs: [randn(rng, [2, s, c]), tf.tidy(() => tf.add(1, randn(rng, [c], 0.2))), randn(rng, [c], 0.2)], others: [randn(rng, [2, s, c])] };
    },
    loss: ([x, gamma, beta], [w]) => project(layerNorm(x!, gamma!, beta!), w!),
  },
  {
    name: 'rmsNorm',
    make: (rng, s) => {
      const c = 3 + 2 * s;
      return { xs: [randn(rng, [2, s, c]), tf.tidy(() => tf.add(1, randn(rng, [c], 0.2)))], others: [randn(rng, [2, s, c])] };
    },
    loss: ([x, gamma], [w]) => project(rmsNorm(x!, gamma!), w!),
  },
  {
    name: 'gelu (erf)',
    make: (rng, s) => ({ xs: [randn(rng, [4 * s, 3], 2)], others: [randn(rng, [4 * s, 3])] }),
    loss: ([x], [w]) => project(gelu(x!), w!),
  },
  {
    name: 'gelu (tanh)',
    make: (rng, s) => ({ xs: [randn(rng, [4 * s, 3], 2)], others: [randn(rng, [4 * s, 3])] }),
    loss: ([x], [w]) => project(gelu(x!, { approximate: 'tanh' }), w!),
  },
  {
    name: 'scaledDotProductAttention (causal, padded)',
    make: (rng, s) => {
      const [b, h, t, d] = [2, 2, 2 + s, 3];
      const lengths = [t, Math.max(1, t - 1)];
      const mask = tf.tensor2d(Array.from({ length: b * t }, (_, i) => (i % t < lengths[Math.floor(i / t)]! ? 1 : 0)), [b, t]);
      return { xs: [randn(rng, [b, h, t, d]), randn(rng, [b, h, t, d]), randn(rng, [b, h, t, d])], others: [mask, randn(rng, [b, h, t, d])] };
    },
    loss: ([q, k, v], [mask, w]) => project(scaledDotProductAttention(q!, k!, v!, { causal: true, mask: mask! }), w!),
  },
  {
    name: 'embedding',
    make: (rng, s) => ({ xs: [randn(rng, [4 + s, 3])], others: [randInt(rng, [2, 3 * s], 4 + s), randn(rng, [2, 3 * s, 3])] }),
    loss: ([weight], [ids, w]) => project(embedding(weight!, ids!), w!),
  },
];
