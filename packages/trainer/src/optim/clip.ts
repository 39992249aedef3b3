// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_: every gradient is scaled by
// maxNorm / (norm + 1e-6) when that is below 1, and the norm before clipping is returned.
import { ConfigError, tf } from '@llmkit/core';

/** The L2 norm of all gradients together, read to the host. */
export function globalNorm(grads: Readonly<Record<string, tf.Tensor>> | readonly tf.Tensor[]): number {
  const list = Array.isArray(grads) ? (grads as readonly tf.Tensor[]) : Object.values(grads);
  if (list.length === 0) return 0;
  const norm = tf.tidy(() => tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(tf.cast(g, 'float32')))))));
  const value = norm.dataSync()[0]!;
  norm.dispose();
  return value;
}

/**
 * Scales `grads` so that their global L2 norm is at most `maxNorm`; returns the norm before
 * clipping and the gradients to use (the same tensors when nothing was clipped, new ones otherwise:
 * the inputs are never disposed). A non-finite norm clips nothing: the caller decides what a NaN means.
 *
 * ```ts
 * const { grads: clipped, norm } = clipByGlobalNorm(grads, 1.0);
 * ```
 */
export function clipByGlobalNorm(
  grads: Readonly<Record<string, tf.Tensor>>,
  maxNorm: number,
): { grads: Record<string, tf.Tensor>; norm: number; clipped: boolean } {
  if (typeof maxNorm !== 'number' || !(maxNorm > 0)) {
    throw new ConfigError(`clipByGlobalNorm: 'maxNorm' must be a number > 0, got ${String(maxNorm)}`);
  }
  const norm = globalNorm(grads);
  // torch computes the coefficient in float32 and clamps it at 1.
  const coef = Math.fround(Math.fround(maxNorm) / Math.fround(norm + 1e-6));
  if (!Number.isFinite(norm) || !(coef < 1)) return { grads: { ...grads }, norm, clipped: false };
  const out: Record<string, tf.Tensor> = {};
  for (const [name, g] of Object.entries(grads)) out[name] = tf.mul(g, coef);
  return { grads: out, norm, clipped: true };
}
