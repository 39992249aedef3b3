// The loss-scaling hook for half-precision backends: the loss is multiplied before the backward pass
// so small gradients survive fp16, the gradients divided after, and a step whose gradients overflowed
// is skipped while the scale backs off (torch.cuda.amp.GradScaler's dynamic scheme).
import { ConfigError, tf } from '@llmkit/core';
import { checkNumber } from './optimizer.js';

/** What the trainer calls around each backward pass when a loss scaler is set. */
export interface LossScaler {
  /** The current scale (1 for no scaling). */
  readonly scale: number;
  /** `loss × scale` as a new tensor (inside the gradient function). */
  scaleLoss(loss: tf.Scalar): tf.Scalar;
  /**
   * The gradients divided by the scale (new tensors; the inputs are not disposed) and whether all
   * of them are finite. A step with `finite: false` is skipped by the trainer.
   */
  unscale(
    grads: Readonly<Record<string, tf.Tensor>>,
  ): { grads: Record<string, tf.Tensor>; finite: boolean } | Promise<{ grads: Record<string, tf.Tensor>; finite: boolean }>;
  /** Called once per optimizer step with whether its gradients were finite; adapts the scale. */
  update(finite: boolean): void;
  /** JSON state for checkpoints. */
  getState(): Record<string, unknown>;
  setState(state: Record<string, unknown>): void;
}

/** True when every element of every tensor is finite (one reduction, one asynchronous read). */
export async function allFinite(tensors: readonly tf.Tensor[]): Promise<boolean> {
  if (tensors.length === 0) return true;
  const bad = tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(t)), 'float32')))));
  try {
    return (await bad.data())[0] === 0;
  } finally {
    bad.dispose();
  }
}

/** Options of {@link DynamicLossScaler}; defaults are torch's GradScaler's. */
export interface DynamicLossScalerOptions {
  /** Default 2^16. */
  initScale?: number;
  /** Multiplier after `growthInterval` finite steps in a row (default 2). */
  growthFactor?: number;
  /** Multiplier after a step with non-finite gradients (default 0.5). */
  backoffFactor?: number;
  /** Default 2000. */
  growthInterval?: number;
}

/**
 * Dynamic loss scaling: halve the scale (and skip the step) on overflow, double it after
 * `growthInterval` good steps.
 *
 * ```ts
 * new Trainer({ ..., lossScaler: new DynamicLossScaler() });
 * ```
 */
export class DynamicLossScaler implements LossScaler {
  private current: number;
  private goodSteps = 0;
  readonly growthFactor: number;
  readonly backoffFactor: number;
  readonly growthInterval: number;

  constructor(options: DynamicLossScalerOptions = {}) {
    const where = 'DynamicLossScaler';
    this.current = checkNumber(where, 'initScale', options.initScale ?? 2 ** 16, Number.MIN_VALUE);
    this.growthFactor = checkNumber(where, 'growthFactor', options.growthFactor ?? 2, 1);
    this.backoffFactor = checkNumber(where, 'backoffFactor', options.backoffFactor ?? 0.5, Number.MIN_VALUE, 1);
    this.growthInterval = checkNumber(where, 'growthInterval', options.growthInterval ?? 2000, 1);
  }

  get scale(): number {
    return this.current;
  }

  scaleLoss(loss: tf.Scalar): tf.Scalar {
    return tf.mul(loss, this.current);
  }

  async unscale(grads: Readonly<Record<string, tf.Tensor>>): Promise<{ grads: Record<string, tf.Tensor>; finite: boolean }> {
    const inverse = 1 / this.current;
    const out: Record<string, tf.Tensor> = {};
    for (const [name, g] of Object.entries(grads)) out[name] = tf.mul(g, inverse);
    return { grads: out, finite: await allFinite(Object.values(out)) };
  }

  update(finite: boolean): void {
    if (!finite) {
      this.current *= this.backoffFactor;
      this.goodSteps = 0;
    } else if (++this.goodSteps >= this.growthInterval) {
      this.current *= this.growthFactor;
      this.goodSteps = 0;
    }
  }

  getState(): Record<string, unknown> {
    return { scale: this.current, goodSteps: this.goodSteps };
  }

  setState(state: Record<string, unknown>): void {
    const { scale, goodSteps } = state as { scale: unknown; goodSteps: unknown };
    if (typeof scale !== 'number' || !(scale > 0) || !Number.isSafeInteger(goodSteps)) {
      throw new ConfigError(`DynamicLossScaler.setState: expected { scale > 0, goodSteps: integer }, got ${JSON.stringify(state)}`);
    }
    this.current = scale;
    this.goodSteps = goodSteps as number;
  }
}
