// The conformance table: for each fixture file, how to run its op in llmkit and the fp32 tolerance
// it must meet (PyTorch's OpInfo, in miniature). Every case computes the outputs and the gradients
// of sum(output * dy) with respect to the inputs the fixture lists under `grads`.
import {
  embedding,
  gelu,
  layerNorm,
  logSoftmax,
  rmsNorm,
  scaledDotProductAttention,
  softmaxCrossEntropy,
  tf,
} from '@llmkit/core';
import type { Tolerance } from './compare.js';
import type { FixtureCase } from './fixtures.js';

export interface OpCase {
  /** Fixture file name in fixtures/ops (without .json). */
  fixture: string;
  /** Forward: takes the fixture inputs (as tensors) and attrs, returns the named outputs. */
  forward(inputs: Record<string, tf.Tensor>, attrs: FixtureCase['attrs']): Record<string, tf.Tensor>;
  /** The output whose gradient the fixture's `dy` seeds. */
  gradOutput: string;
  tolerance: Tolerance;
  /** Why the tolerance is what it is. */
  why: string;
}

// fp32 round-off grows with the length of the sums an op makes; these bounds hold with margin for
// the fixture shapes (reductions of up to 1000 terms) and are far below any real bug's error.
const ELEMENTWISE: Tolerance = { rtol: 1e-5, atol: 1e-6 };
const REDUCTION: Tolerance = { rtol: 1e-5, atol: 1e-5 };

export const opCases: readonly OpCase[] = [
  {
    fixture: 'matmul',
    forward: ({ a, b }, attrs) => ({ y: tf.matMul(a!, b!, attrs.transposeA as boolean, attrs.transposeB as boolean) }),
    gradOutput: 'y',
    tolerance: { rtol: 1e-5, atol: 2e-5 },
    why: 'sums of up to 128 products of unit normals: absolute round-off ~1e-6 * sqrt(K) * |terms|',
  },
  {
    fixture: 'softmax',
    forward: ({ x }) => ({ y: tf.softmax(x!) }),
    gradOutput: 'y',
    tolerance: ELEMENTWISE,
    why: 'one exp and one row sum per element',
  },
  {
    fixture: 'log_softmax',
    forward: ({ x }) => ({ y: logSoftmax(x!) }),
    gradOutput: 'y',
    tolerance: REDUCTION,
    why: 'log-sum-exp over rows of up to 1000 values',
  },
  {
    fixture: 'softmax_cross_entropy',
    forward: ({ logits, labels }, attrs) => ({ loss: softmaxCrossEntropy(logits!, labels!, { ignoreIndex: attrs.ignoreIndex as number }) }),
    gradOutput: 'loss',
    tolerance: REDUCTION,
    why: 'mean over rows of log-sum-exp over up to 1000 logits, some of magnitude 30',
  },
  {
    fixture: 'layer_norm',
    forward: ({ x, gamma, beta }, attrs) => ({ y: layerNorm(x!, gamma!, beta!, { epsilon: attrs.epsilon as number }) }),
    gradOutput: 'y',
    tolerance: REDUCTION,
    why: 'row mean/variance of up to 128 values; gamma/beta gradients sum over up to 16 rows',
  },
  {
    fixture: 'rms_norm',
    forward: ({ x, gamma }, attrs) => ({ y: rmsNorm(x!, gamma!, { epsilon: attrs.epsilon as number }) }),
    gradOutput: 'y',
    tolerance: REDUCTION,
    why: 'row mean square of up to 128 values',
  },
  {
    fixture: 'gelu',
    forward: ({ x }, attrs) => ({ y: gelu(x!, { approximate: attrs.approximate as 'none' | 'tanh' }) }),
    gradOutput: 'y',
    tolerance: { rtol: 1e-5, atol: 5e-6 },
    why:
      'elementwise; erf is a 1.2e-7-accurate approximation on every backend; atol 5e-6 because for x < -5 ' +
      "PyTorch's fp32 tanh saturates to -1 and its gradient is exactly 0 where the true value is ~1e-6",
  },
  {
    fixture: 'scaled_dot_product_attention',
    forward: ({ q, k, v, mask }, attrs) => ({
      y: scaledDotProductAttention(q!, k!, v!, {
        causal: attrs.causal as boolean,
        ...(mask ? { mask } : {}),
        ...(attrs.scale != null ? { scale: attrs.scale as number } : {}),
      }),
    }),
    gradOutput: 'y',
    tolerance: { rtol: 1e-5, atol: 1e-5 },
    why: 'two chained matmuls around a softmax over up to 64 keys',
  },
  {
    fixture: 'embedding',
    forward: ({ weight, ids }) => ({ y: embedding(weight!, ids!) }),
    gradOutput: 'y',
    tolerance: { rtol: 1e-6, atol: 1e-6 },
    why: 'a copy forward; the gradient adds a handful of rows per id',
  },
];
