// One AdamW update (torch.optim.AdamW's formula) over a whole list of parameters as one composite
// kernel, so a backend can replace the ~10 elementwise kernels per parameter with one pass.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { defineComposite, runComposite } from './composite.js';
import { ConfigError, ShapeError } from '../errors.js';

/**
 * Kernel `LlmkitAdamW`, the contract a backend's override must keep:
 *
 * - Inputs (n = attrs.count tensors each, float32; `p{i}`, `g{i}`, `m{i}`, `v{i}` of one shape):
 *   `p0..p{n-1}` the parameters, `g0..` their gradients, `m0..` exp_avg, `v0..` exp_avg_sq,
 *   inserted in the order p0, g0, m0, v0, p1, g1, m1, v1, ...
 * - Attrs: `count` (n), `beta1`, `beta2`, `eps`, `stepSize` (lr / (1 - beta1^t), computed in
 *   float64 by the caller), `bias2Sqrt` (sqrt(1 - beta2^t), float64), `decayFactors` (number[n]:
 *   1 - lr * weight_decay of each parameter, float64; exactly 1 means no decay).
 * - Outputs (3n, new tensors; the inputs are not modified): `p'0..p'{n-1}`, then `m'0..`, then `v'0..`.
 * - Math, elementwise in float32 with every scalar rounded to float32 first, in this order (torch's):
 *     decayed = decayFactor == 1 ? p : p * decayFactor
 *     m' = m * beta1 + g * (1 - beta1)
 *     v' = v * beta2 + (g * g) * (1 - beta2)
 *     p' = decayed - (m' / (sqrt(v') / bias2Sqrt + eps)) * stepSize
 *   (`1 - beta1` and `1 - beta2` are taken in float64 and then rounded, as tfjs rounds a scalar
 *   operand.) The default below is these tfjs ops; a fused kernel that follows the same order
 *   of float32 operations, without fused multiply-add, gives the same bits.
 */
export const adamwKernel = defineComposite({
  kernelName: 'LlmkitAdamW',
  defaultImpl: (inputs, attrs) => {
    const n = attrs.count as number;
    const { beta1, beta2, eps, stepSize, bias2Sqrt } = attrs as Record<string, number>;
    const decayFactors = attrs.decayFactors as number[];
    const ps: Tensor[] = [], ms: Tensor[] = [], vs: Tensor[] = [];
    for (let i = 0; i < n; i++) {
      const p = inputs[`p${i}`]!, g = inputs[`g${i}`]!, m = inputs[`m${i}`]!, v = inputs[`v${i}`]!;
      const decayed = decayFactors[i] === 1 ? p : tf.mul(p, decayFactors[i]!);
      const m1 = tf.add(tf.mul(m, beta1!), tf.mul(g, 1 - beta1!));
      const v1 = tf.add(tf.mul(v, beta2!), tf.mul(tf.square(g), 1 - beta2!));
      const denom = tf.add(tf.div(tf.sqrt(v1), bias2Sqrt!), eps!);
      // A copy when nothing changes p (lr 0, no decay), so every output is a tensor of its own.
      ps.push(tf.sub(decayed, tf.mul(tf.div(m1, denom), stepSize!)));
      ms.push(m1);
      vs.push(v1);
    }
    return [...ps, ...ms, ...vs];
  },
});

/** The scalars of one AdamW update (see {@link adamwUpdate}). */
export interface AdamWUpdateOptions {
  beta1: number;
  beta2: number;
  eps: number;
  /** lr / (1 - beta1^t), in float64, t the step counted from 1. */
  stepSize: number;
  /** sqrt(1 - beta2^t), in float64. */
  bias2Sqrt: number;
  /** 1 - lr * weight_decay of each parameter (1: no decay). */
  decayFactors: readonly number[];
}

/** The new parameters and moments of {@link adamwUpdate}, in the order of its inputs. */
export interface AdamWUpdate {
  params: Tensor[];
  expAvg: Tensor[];
  expAvgSq: Tensor[];
}

const where = 'adamwUpdate';

function checkScalar(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(`${where}: '${name}' must be a finite number; got ${String(value)}`);
  }
  return value;
}

/**
 * One AdamW update of every parameter at once, as torch.optim.AdamW computes it (decoupled decay
 * first, then the bias-corrected Adam step); returns new tensors and leaves its inputs alone.
 * Backends may fuse it (kernel `LlmkitAdamW`); the trainer's `AdamW` optimizer calls it.
 *
 * ```ts
 * const { params, expAvg, expAvgSq } = adamwUpdate([w], [dw], [m], [v], {
 *   beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: lr / (1 - 0.9 ** t),
 *   bias2Sqrt: Math.sqrt(1 - 0.999 ** t), decayFactors: [1 - lr * 0.01],
 * });
 * ```
 */
export function adamwUpdate(
  params: readonly Tensor[],
  grads: readonly Tensor[],
  expAvg: readonly Tensor[],
  expAvgSq: readonly Tensor[],
  options: AdamWUpdateOptions,
): AdamWUpdate {
  const n = params.length;
  const lists = { grads, expAvg, expAvgSq, decayFactors: options.decayFactors } as const;
  for (const [name, list] of Object.entries(lists)) {
    if (list.length !== n) throw new ShapeError(`${where}: '${name}' has ${list.length} entries; expected ${n} (one per parameter)`);
  }
  const attrs: NamedAttrMap = {
    count: n,
    beta1: checkScalar('beta1', options.beta1),
    beta2: checkScalar('beta2', options.beta2),
    eps: checkScalar('eps', options.eps),
    stepSize: checkScalar('stepSize', options.stepSize),
    bias2Sqrt: checkScalar('bias2Sqrt', options.bias2Sqrt),
    decayFactors: options.decayFactors.map((d, i) => checkScalar(`decayFactors[${i}]`, d)),
  };
  if (n === 0) return { params: [], expAvg: [], expAvgSq: [] };
  const inputs: Record<string, Tensor> = {};
  for (let i = 0; i < n; i++) {
    const p = params[i]!;
    const named = { p: p, g: grads[i]!, m: expAvg[i]!, v: expAvgSq[i]! };
    for (const [key, t] of Object.entries(named)) {
      if (t.dtype !== 'float32') throw new ShapeError(`${where}: '${key}${i}' must be float32; got ${t.dtype}`);
      if (t.shape.length !== p.shape.length || t.shape.some((d, j) => d !== p.shape[j])) {
        throw new ShapeError(`${where}: '${key}${i}' must have the shape of params[${i}], [${p.shape.join(', ')}]; got [${t.shape.join(', ')}]`);
      }
      inputs[`${key}${i}`] = t;
    }
  }
  const out = runComposite(adamwKernel, inputs, attrs);
  return { params: out.slice(0, n), expAvg: out.slice(n, 2 * n), expAvgSq: out.slice(2 * n) };
}
