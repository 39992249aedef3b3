// LayerNorm and RMSNorm as modules over core's fused ops, with HF's parameter names
// (`weight`, `bias`).
import { Module, layerNorm, ones, rmsNorm, zeros, type tf } from '@llmkit/core';
import { positiveInt, positiveNumber, validateConfig } from './config.js';

export interface NormOptions {
  /** Added to the variance (default 1e-5 for LayerNorm, as PyTorch and GPT-2; 1e-6 for RMSNorm). */
  epsilon?: number;
}

/**
 * Layer normalization over the last axis, as torch.nn.LayerNorm(dim, eps).
 *
 * ```ts
 * const ln = new LayerNorm(768, { epsilon: 1e-5 });
 * ```
 */
export class LayerNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly epsilon: number;

  constructor(
    readonly dim: number,
    options: NormOptions = {},
  ) {
    super();
    const config = validateConfig('LayerNorm', { dim, ...options }, { dim: [positiveInt, undefined], epsilon: [positiveNumber, 1e-5] });
    this.epsilon = config.epsilon;
    this.weight = this.registerParameter('weight', ones([dim]));
    this.bias = this.registerParameter('bias', zeros([dim]));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return layerNorm(x, this.weight, this.bias, { epsilon: this.epsilon });
  }

  getConfig(): { dim: number; epsilon: number } {
    return { dim: this.dim, epsilon: this.epsilon };
  }
}

/** Root-mean-square normalization over the last axis (LLaMA's norm); one parameter, `weight`. */
export class RMSNorm extends Module {
  readonly weight: tf.Variable;
  readonly epsilon: number;

  constructor(
    readonly dim: number,
    options: NormOptions = {},
  ) {
    super();
    const config = validateConfig('RMSNorm', { dim, ...options }, { dim: [positiveInt, undefined], epsilon: [positiveNumber, 1e-6] });
    this.epsilon = config.epsilon;
    this.weight = this.registerParameter('weight', ones([dim]));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return rmsNorm(x, this.weight, { epsilon: this.epsilon });
  }

  getConfig(): { dim: number; epsilon: number } {
    return { dim: this.dim, epsilon: this.epsilon };
  }
}

export type NormType = 'layer' | 'rms';

/** A LayerNorm or an RMSNorm, by name. */
export function makeNorm(type: NormType, dim: number, epsilon?: number): LayerNorm | RMSNorm {
  return type === 'rms' ? new RMSNorm(dim, { epsilon }) : new LayerNorm(dim, { epsilon });
}
