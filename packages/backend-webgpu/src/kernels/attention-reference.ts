// The attention math of core's default composite kernels (packages/core/src/ops/attention.ts), in
// tfjs ops, for the cases the fused WGSL kernels do not cover (dropout, other mask shapes, a saved
// probs matrix). Core does not export its composite kernels, so the few lines are repeated here and
// must stay in step with it; the tests compare both paths with the unfused backend.
import { tf } from '@llmkit/core';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

/** Core's additive bias for masked scores. */
export const MASKED_SCORE = -1e9;

function isNone(t: Tensor): boolean {
  return t.rank === 0;
}

function causalBias(tq: number, tk: number): Tensor {
  const data = new Float32Array(tq * tk);
  const offset = tk - tq;
  for (let i = 0; i < tq; i++) for (let j = i + offset + 1; j < tk; j++) data[i * tk + j] = MASKED_SCORE;
  return tf.tensor2d(data, [tq, tk]);
}

function scores(q: Tensor, k: Tensor, mask: Tensor, causal: boolean, scale: number): Tensor {
  let s = tf.mul(tf.matMul(q, k, false, true), scale);
  if (causal) s = tf.add(s, causalBias(q.shape[2] as number, k.shape[2] as number));
  if (!isNone(mask)) s = tf.add(s, mask);
  return s;
}

/** Default forward: [y, probs]. Call inside tf.tidy. */
export function referenceForward(inputs: Record<string, Tensor>, attrs: NamedAttrMap): Tensor[] {
  const { q, k, v, mask, dropMask } = inputs as Record<string, Tensor>;
  const probs = tf.softmax(scores(q!, k!, mask!, Boolean(attrs.causal), attrs.scale as number));
  const pd = isNone(dropMask!) ? probs : tf.mul(probs, dropMask!);
  return [tf.matMul(pd, v!), probs];
}

/** Default backward from probs [B,H,Tq,Tk] or lse [B,H,Tq]: [dq, dk, dv]. Call inside tf.tidy. */
export function referenceBackward(inputs: Record<string, Tensor>, attrs: NamedAttrMap): Tensor[] {
  const { dy, q, k, v, stat, dropMask, mask } = inputs as Record<string, Tensor>;
  const scale = attrs.scale as number;
  // From lse, recompute softmax(scores) as core does (exact for fully masked rows too).
  const p = stat!.rank === 4 ? stat! : tf.softmax(scores(q!, k!, mask!, Boolean(attrs.causal), scale));
  const dropped = !isNone(dropMask!);
  const pd = dropped ? tf.mul(p, dropMask!) : p;
  const dv = tf.matMul(pd, dy!, true, false);
  let dp = tf.matMul(dy!, v!, false, true);
  if (dropped) dp = tf.mul(dp, dropMask!);
  const ds = tf.mul(tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), -1, true))), scale);
  return [tf.matMul(ds, k!), tf.matMul(ds, q!, true, false), dv];
}
