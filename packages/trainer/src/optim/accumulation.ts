// Gradient accumulation: micro-batch gradients summed with weights so that k micro-batches give the
// gradient of the one batch they make up together (a mean over all its tokens, not a mean of means).
import { tf } from '@llmkit/core';

/**
 * Sums weighted gradients across micro-batches. With `weight` = the number of positions a
 * micro-batch's mean loss ran over (the objective's `metrics.tokens`), `result()` is the gradient of
 * the mean over every position of all micro-batches: exactly what one batch k× larger gives, even
 * when padding makes the micro-batches' counts differ. With weight 1 each, it is the mean of the
 * micro-batch gradients (nanoGPT's `loss / k`).
 *
 * ```ts
 * const acc = new GradientAccumulator();
 * for (const micro of microBatches) { const { grads, tokens } = backward(micro); acc.add(grads, tokens); }
 * const grads = acc.result();   // caller disposes
 * ```
 */
export class GradientAccumulator {
  private sums: Record<string, tf.Tensor> = {};
  private totalWeight = 0;
  private count = 0;

  /** Micro-batches added since the last `result()`/`reset()`. */
  get size(): number {
    return this.count;
  }

  /** The sum of the weights added. */
  get weight(): number {
    return this.totalWeight;
  }

  /** Adds `weight × grads`; the gradients are consumed (disposed, or kept as the running sum). */
  add(grads: Record<string, tf.Tensor>, weight = 1): void {
    if (this.count === 0) {
      // Kept unweighted until a second micro-batch arrives: one micro-batch alone comes back as it
      // came, with no rounding from a multiply and a divide.
      this.sums = { ...grads };
    } else {
      if (this.count === 1) this.sums = scaleAll(this.sums, this.totalWeight);
      for (const [name, g] of Object.entries(scaleAll(grads, weight))) {
        const previous = this.sums[name];
        this.sums[name] = previous ? tf.add(previous, g) : g;
        if (previous) tf.dispose([previous, g]);
      }
    }
    this.count += 1;
    this.totalWeight += weight;
  }

  /** The weighted mean Σ wᵢ gᵢ / Σ wᵢ of everything added. Resets the accumulator; the caller owns the result. */
  result(): Record<string, tf.Tensor> {
    const { sums, count, totalWeight } = this;
    this.reset(false);
    if (count <= 1) return sums;
    const out: Record<string, tf.Tensor> = {};
    for (const [name, s] of Object.entries(sums)) {
      out[name] = tf.div(s, totalWeight);
      s.dispose();
    }
    return out;
  }

  /** Drops what was added. */
  reset(dispose = true): void {
    if (dispose) tf.dispose(Object.values(this.sums));
    this.sums = {};
    this.totalWeight = 0;
    this.count = 0;
  }
}

/** `weight × g` for each gradient, consuming the inputs (returned as they are for weight 1). */
function scaleAll(grads: Record<string, tf.Tensor>, weight: number): Record<string, tf.Tensor> {
  if (weight === 1) return grads;
  const out: Record<string, tf.Tensor> = {};
  for (const [name, g] of Object.entries(grads)) {
    out[name] = tf.mul(g, weight);
    g.dispose();
  }
  return out;
}
