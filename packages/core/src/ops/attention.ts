// Scaled dot-product attention, softmax(q k^T * scale + masks) v, with causal and padding masks and
// optional dropout on the attention weights, as one composite kernel with an explicit gradient.
// Causal masking aligns the last query with the last key (query i sees keys j <= i + Tk - Tq), so a
// KV-cached decoding step with Tq=1 attends to the whole cache.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { defineComposite, runComposite, runCompositeWithSaved } from './composite.js';
import { assertFloat } from './checks.js';
import { ConfigError, ShapeError } from '../errors.js';

/** Additive bias for masked scores: large and finite, so fully masked rows give no NaN. */
export const MASKED_SCORE = -1e9;

/** Builds the causal bias [Tq, Tk] on the host: 0 where visible, MASKED_SCORE where not. */
export function causalBias(tq: number, tk: number): Tensor {
  const data = new Float32Array(tq * tk);
  const offset = tk - tq;
  for (let i = 0; i < tq; i++) for (let j = i + offset + 1; j < tk; j++) data[i * tk + j] = MASKED_SCORE;
  return tf.tensor2d(data, [tq, tk]);
}

function isNone(t: Tensor): boolean {
  return t.rank === 0;
}

/**
 * Scores before the softmax, q k^T * scale + causal bias + additive mask, as the forward pass builds
 * them: [B, H, Tq, Tk]. Shared by the default forward and by the default backward when it has to
 * recompute the probabilities from a saved log-sum-exp.
 */
function attentionScores(q: Tensor, k: Tensor, mask: Tensor, causal: boolean, scale: number): Tensor {
  const tq = q.shape[2] as number;
  const tk = k.shape[2] as number;
  let scores = tf.mul(tf.matMul(q, k, false, true), scale);
  if (causal) scores = tf.add(scores, causalBias(tq, tk));
  if (!isNone(mask)) scores = tf.add(scores, mask);
  return scores;
}

export const attentionGradKernel = defineComposite({
  kernelName: 'LlmkitAttentionGrad',
  // Inputs: dy [B,H,Tq,D], q, k, v, stat, dropMask (scalar = none), y [B,H,Tq,D] (the forward output),
  // mask (the forward's additive mask; scalar = none). Attrs: causal, scale (as the forward).
  // `stat` is what the forward kernel saved: either probs [B,H,Tq,Tk] (before dropout; what the
  // default forward saves) or a per-row log-sum-exp lse [B,H,Tq] of the masked, scaled scores (what
  // a fused forward saves). Any forward implementation can so be paired with any backward one.
  // Given lse, this default recomputes the probabilities as softmax(scores) rather than
  // exp(scores - lse): one kernel instead of two, and exact for a fully masked row, whose scores
  // and lse sit near -1e9 where fp32 cannot hold log(Tk) (its uniform weights would come out as 1).
  // Outputs: dq, dk, dv.
  defaultImpl: ({ dy, q, k, v, stat, dropMask, mask }, attrs) => {
    const scale = attrs.scale as number;
    const s = stat as Tensor;
    const p = s.rank === 4 ? s : tf.softmax(attentionScores(q as Tensor, k as Tensor, mask as Tensor, Boolean(attrs.causal), scale));
    const dropped = !isNone(dropMask as Tensor);
    const pd = dropped ? tf.mul(p, dropMask as Tensor) : p;
    const dv = tf.matMul(pd, dy as Tensor, true, false);
    let dp = tf.matMul(dy as Tensor, v as Tensor, false, true);
    if (dropped) dp = tf.mul(dp, dropMask as Tensor);
    const ds = tf.mul(tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), -1, true))), scale);
    const dq = tf.matMul(ds, k as Tensor);
    const dk = tf.matMul(ds, q as Tensor, true, false);
    return [dq, dk, dv];
  },
});

export const attentionKernel = defineComposite({
  kernelName: 'LlmkitAttention',
  // Inputs: q [B,H,Tq,D], k, v [B,H,Tk,D], mask (additive, broadcastable to [B,H,Tq,Tk]; scalar = none),
  // dropMask ([B,H,Tq,Tk] of 0 or 1/(1-p); scalar = none). Attrs: causal, scale.
  // Outputs: y [B,H,Tq,D], stat (saved for the backward pass): the default saves probs [B,H,Tq,Tk];
  // a fused kernel may save the per-row log-sum-exp [B,H,Tq] instead (see attentionGradKernel).
  defaultImpl: ({ q, k, v, mask, dropMask }, attrs) => {
    const scores = attentionScores(q as Tensor, k as Tensor, mask as Tensor, Boolean(attrs.causal), attrs.scale as number);
    const probs = tf.softmax(scores);
    const pd = isNone(dropMask as Tensor) ? probs : tf.mul(probs, dropMask as Tensor);
    return [tf.matMul(pd, v as Tensor), probs];
  },
  gradient: {
    // y and mask let a backward kernel recompute the probabilities from lse (delta = sum(dy * y));
    // saving them costs no copy: the tape keeps references (y is usually held downstream anyway,
    // and the mask is at most [B,1,1,Tk] for padding).
    inputsToSave: ['q', 'k', 'v', 'mask', 'dropMask'],
    outputsToSave: [true, true],
    gradFunc: (dy, saved, attrs) => {
      const [q, k, v, mask, dropMask, y, stat] = saved as Tensor[];
      const [dq, dk, dv] = runComposite(
        attentionGradKernel,
        {
          dy: (dy as Tensor[])[0] as Tensor,
          q: q as Tensor,
          k: k as Tensor,
          v: v as Tensor,
          stat: stat as Tensor,
          dropMask: dropMask as Tensor,
          y: y as Tensor,
          mask: mask as Tensor,
        },
        attrs,
      ) as [Tensor, Tensor, Tensor];
      return { q: () => dq, k: () => dk, v: () => dv };
    },
  },
});

/** Any seeded generator of uniform floats in [0, 1), such as core's `Rng`. */
export interface UniformSource {
  nextFloat(): number;
}

export interface AttentionOptions {
  /** Mask keys after each query (aligned to the last key; see the file comment). */
  causal?: boolean;
  /**
   * Keys to attend to: bool or 0/1 of shape [B, Tk] (a padding mask, 1 = attend) or any shape
   * broadcastable to [B, H, Tq, Tk]. A query whose keys are all masked attends uniformly (no NaN).
   */
  mask?: Tensor;
  /** Scale of q k^T (default 1/sqrt(D)). */
  scale?: number;
  /** Dropout rate on the attention weights (default 0). Needs `rng` when > 0. */
  dropout?: number;
  /** Seeded generator for the dropout mask, so a seed fixes it on every backend. */
  rng?: UniformSource;
}

function maskBias(mask: Tensor, b: number, tk: number): Tensor {
  const m = mask.rank === 2 ? tf.reshape(mask, [b, 1, 1, tk]) : mask;
  if (mask.rank === 2 && (mask.shape[0] !== b || mask.shape[1] !== tk)) {
    throw new ShapeError(`scaledDotProductAttention: a rank-2 'mask' must be [B, Tk] = [${b}, ${tk}]; got [${mask.shape.join(', ')}]`);
  }
  const keep = m.dtype === 'bool' ? m : tf.notEqual(m, 0);
  return tf.where(keep, tf.zeros(keep.shape), tf.fill(keep.shape, MASKED_SCORE));
}

function dropoutMask(shape: number[], rate: number, rng: UniformSource): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  const data = new Float32Array(n);
  const keepScale = 1 / (1 - rate);
  for (let i = 0; i < n; i++) data[i] = rng.nextFloat() >= rate ? keepScale : 0;
  return tf.tensor(data, shape);
}

/**
 * softmax(q k^T * scale + masks) v for q [B, H, Tq, D] and k, v [B, H, Tk, D].
 *
 * ```ts
 * const y = scaledDotProductAttention(q, k, v, { causal: true, mask: paddingMask });
 * ```
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  const op = 'scaledDotProductAttention';
  for (const [name, t] of [['q', q], ['k', k], ['v', v]] as const) {
    assertFloat(op, name, t);
    if (t.rank !== 4) throw new ShapeError(`${op}: '${name}' must be [B, H, T, D]; got [${t.shape.join(', ')}]`);
  }
  const [b, h, tq, d] = q.shape as [number, number, number, number];
  const tk = k.shape[2] as number;
  if (k.shape[0] !== b || k.shape[1] !== h || k.shape[3] !== d) {
    throw new ShapeError(`${op}: 'k' must be [${b}, ${h}, Tk, ${d}] to match q; got [${k.shape.join(', ')}]`);
  }
  if (v.shape[0] !== b || v.shape[1] !== h || v.shape[2] !== tk) {
    throw new ShapeError(`${op}: 'v' must be [${b}, ${h}, ${tk}, Dv] to match k; got [${v.shape.join(', ')}]`);
  }
  const rate = options.dropout ?? 0;
  if (!(rate >= 0 && rate < 1)) throw new ConfigError(`${op}: 'dropout' must be in [0, 1); got ${rate}`);
  if (rate > 0 && !options.rng) throw new ConfigError(`${op}: 'dropout' > 0 needs a seeded 'rng' (e.g. new Rng(seed))`);
  const scale = options.scale ?? 1 / Math.sqrt(d);
  return tf.tidy(() => {
    const mask = options.mask ? maskBias(options.mask, b, tk) : tf.scalar(0);
    const dropMask = rate > 0 ? dropoutMask([b, h, tq, tk], rate, options.rng as UniformSource) : tf.scalar(1);
    return runCompositeWithSaved(attentionKernel, { q, k, v, mask, dropMask }, { causal: options.causal ?? false, scale });
  });
}
