// Rotary position embedding (RoPE, Su et al. 2021) applied to queries and keys, in the "rotate
// half" channel pairing of HF's LLaMA (channel i pairs with i + D/2), so LLaMA-style checkpoints
// need no permutation. cos/sin tables are computed on the host in float64.
import { ConfigError, ShapeError, tf } from '@llmkit/core';
import { positiveInt, positiveNumber, validateConfig } from './config.js';

export interface RotaryOptions {
  /** Channels per head (even). */
  headDim: number;
  /** Frequency base (default 10000). */
  base?: number;
}

/**
 * Rotates each (x_i, x_{i+D/2}) pair of a [B, H, T, D] tensor by angle p * base^(-2i/D), p being the
 * absolute position. No parameters: a plain object shared by every attention layer of a model.
 *
 * ```ts
 * const rope = new RotaryEmbedding({ headDim: 64 });
 * const qr = rope.apply(q, cache.length);   // q [B, H, T, 64]
 * ```
 */
export class RotaryEmbedding {
  readonly headDim: number;
  readonly base: number;

  constructor(options: RotaryOptions) {
    const config = validateConfig('RotaryEmbedding', options, { headDim: [positiveInt, undefined], base: [positiveNumber, 10000] });
    if (config.headDim % 2 !== 0) throw new ConfigError(`RotaryEmbedding: 'headDim' must be even; got ${config.headDim}`);
    this.headDim = config.headDim;
    this.base = config.base;
  }

  /** cos and sin tables [T, D] for positions offset..offset+T-1. */
  tables(length: number, offset = 0): [tf.Tensor2D, tf.Tensor2D] {
    const d = this.headDim;
    const half = d / 2;
    const cos = new Float32Array(length * d);
    const sin = new Float32Array(length * d);
    for (let t = 0; t < length; t++) {
      for (let i = 0; i < half; i++) {
        const angle = (offset + t) * Math.pow(this.base, (-2 * i) / d);
        cos[t * d + i] = cos[t * d + i + half] = Math.cos(angle);
        sin[t * d + i] = sin[t * d + i + half] = Math.sin(angle);
      }
    }
    return [tf.tensor2d(cos, [length, d]), tf.tensor2d(sin, [length, d])];
  }

  /** x cos + rotate_half(x) sin for x [B, H, T, D] at positions offset..offset+T-1. */
  apply(x: tf.Tensor, offset = 0): tf.Tensor {
    if (x.rank !== 4 || x.shape[3] !== this.headDim) {
      throw new ShapeError(`RotaryEmbedding.apply: expected [B, H, T, ${this.headDim}]; got [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const [cos, sin] = this.tables(x.shape[2] as number, offset);
      const [x1, x2] = tf.split(x, 2, 3) as [tf.Tensor, tf.Tensor];
      const rotated = tf.concat([tf.neg(x2), x1], 3);
      return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
    });
  }

  getConfig(): { headDim: number; base: number } {
    return { headDim: this.headDim, base: this.base };
  }
}
