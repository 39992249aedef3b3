// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_: every gradient is multiplied
// by min(1, maxNorm / (norm + 1e-6)), computed on the device in float32 as torch does, and the norm
// before clipping is returned. The one read of the norm is asynchronous, so it works on backends
// that cannot read GPU memory synchronously (webgpu in Node).
import { ConfigError, tf } from '@llmkit/core';

/** The L2 norm of all gradients together, as a scalar tensor on the device (the caller disposes it). */
export function globalNormTensor(grads: Readonly<Record<string, tf.Tensor>> | readonly tf.Tensor[]): tf.Scalar {
  const list = Array.isArray(grads) ? (grads as readonly tf.Tensor[]) : Object.values(grads);
  if (list.length === 0) return tf.scalar(0);
  return tf.tidy(() => tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(tf.cast(g, 'float32'))))))) as tf.Scalar;
}

/** The L2 norm of all gradients together, read to the host. */
export async function globalNorm(grads: Readonly<Record<string, tf.Tensor>> | readonly tf.Tensor[]): Promise<number> {
  const norm = globalNormTensor(grads);
  try {
    return (await norm.data())[0]!;
  } finally {
    norm.dispose();
  }
}

/**
 * Scales `grads` on the device so that their global L2 norm is at most `maxNorm`, without reading
 * anything: returns new gradients (the inputs are never disposed) and the norm before clipping as
 * a scalar tensor. A non-finite norm makes every gradient non-finite, as in torch.
 */
export function clipByGlobalNormTensor(
  grads: Readonly<Record<string, tf.Tensor>>,
  maxNorm: number,
): { grads: Record<string, tf.Tensor>; norm: tf.Scalar } {
  if (typeof maxNorm !== 'number' || !(maxNorm > 0)) {
    throw new ConfigError(`clipByGlobalNorm: 'maxNorm' must be a number > 0, got ${String(maxNorm)}`);
  }
  const norm = globalNormTensor(grads);
  const out = tf.tidy(() => {
    const coef = tf.minimum(tf.div(tf.scalar(maxNorm), tf.add(norm, tf.scalar(1e-6))), tf.scalar(1));
    const scaled: Record<string, tf.Tensor> = {};
    for (const [name, g] of Object.entries(grads)) scaled[name] = tf.mul(g, coef);
    return scaled;
  });
  return { grads: out, norm };
}

/**
 * Scales `grads` so that their global L2 norm is at most `maxNorm`; resolves to the norm before
 * clipping, whether it clipped, and the gradients to use (new tensors, always: the inputs are never
 * disposed; multiplied by exactly 1 when nothing was clipped, as torch does).
 *
 * ```ts
 * const { grads: clipped, norm } = await clipByGlobalNorm(grads, 1.0);
 * ```
 */
export async function clipByGlobalNorm(
  grads: Readonly<Record<string, tf.Tensor>>,
  maxNorm: number,
): Promise<{ grads: Record<string, tf.Tensor>; norm: number; clipped: boolean }> {
  const { grads: out, norm } = clipByGlobalNormTensor(grads, maxNorm);
  try {
    const value = (await norm.data())[0]!;
    return { grads: out, norm: value, clipped: Number.isFinite(value) && Math.fround(maxNorm / (value + 1e-6)) < 1 };
  } finally {
    norm.dispose();
  }
}
