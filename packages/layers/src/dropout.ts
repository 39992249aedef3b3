// Dropout with a seeded mask: the mask is drawn on the host from core's `Rng`, so one seed gives
// the same mask on every backend, and it is only applied in training mode.
import { ConfigError, Module, tf, type Rng } from '@llmkit/core';

/**
 * Zeroes each element with probability `rate` and scales the rest by 1/(1 - rate), in training
 * mode only (`module.train()`); the identity in eval mode or at rate 0.
 *
 * ```ts
 * const drop = new Dropout(0.1, new Rng(0));
 * const y = drop.forward(x);
 * ```
 */
export class Dropout extends Module {
  constructor(
    readonly rate: number,
    private readonly rng: Rng,
  ) {
    super();
    if (!(typeof rate === 'number' && rate >= 0 && rate < 1)) {
      throw new ConfigError(`Dropout: 'rate' must be a number in [0, 1); got ${String(rate)}`);
    }
  }

  /** Whether the next forward drops anything. */
  get active(): boolean {
    return this.training && this.rate > 0;
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (!this.active) return x;
    const keep = 1 / (1 - this.rate);
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = this.rng.nextFloat() >= this.rate ? keep : 0;
    return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape, 'float32')));
  }

  /** The generator attention layers pass to core's attention dropout. */
  get generator(): Rng {
    return this.rng;
  }

  getConfig(): { rate: number } {
    return { rate: this.rate };
  }
}
