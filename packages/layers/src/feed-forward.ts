// The position-wise feed-forward network of a Transformer block: two projections around an
// activation (ReLU, GELU in its erf or tanh form), or the gated SwiGLU of PaLM and LLaMA.
import { Module, gelu, tf, type Initializer, type Rng } from '@llmkit/core';
import { boolean, isFunction, isObject, oneOf, optional, positiveInt, probability, validateConfig } from './config.js';
import { Dropout } from './dropout.js';
import { Conv1D, Linear } from './linear.js';

/** `'gelu'` is the exact (erf) form, BERT's; `'gelu_tanh'` is GPT-2's `gelu_new`. */
export type Activation = 'relu' | 'gelu' | 'gelu_tanh' | 'silu' | 'swiglu';

/**
 * Parameter names: `'gpt2'` = `c_fc`, `c_proj` (Conv1D [in, out]); `'linear'` = `fc1`, `fc2`
 * (Linear [out, in]); SwiGLU always uses LLaMA's `gate_proj`, `up_proj`, `down_proj`.
 */
export type FeedForwardLayout = 'gpt2' | 'linear';

export interface FeedForwardOptions {
  dModel: number;
  /** Inner width (GPT-2 and BERT use 4 dModel). */
  dFF: number;
  /** Default `'gelu'`. */
  activation?: Activation;
  /** Default `'linear'`. */
  layout?: FeedForwardLayout;
  /** Biases (default true; LLaMA's SwiGLU has none). */
  bias?: boolean;
  /** Dropout on the output in training mode (default 0). */
  dropout?: number;
  rng: Rng;
  /** Initializer of the input projection(s) (default N(0, 0.02²)). */
  init?: Initializer;
  /** Initializer of the output projection (default `init`). */
  outputInit?: Initializer;
}

/** Applies a pointwise activation. */
export function activate(x: tf.Tensor, activation: Exclude<Activation, 'swiglu'>): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'gelu':
      return gelu(x, { approximate: 'none' });
    case 'gelu_tanh':
      return gelu(x, { approximate: 'tanh' });
    case 'silu':
      return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
  }
}

/**
 * x -> proj(act(fc(x))), or down(silu(gate(x)) * up(x)) for SwiGLU, on [B*T, C] rows.
 *
 * ```ts
 * const mlp = new FeedForward({ dModel: 768, dFF: 3072, activation: 'gelu_tanh', layout: 'gpt2', rng });
 * ```
 */
export class FeedForward extends Module {
  readonly dModel: number;
  readonly dFF: number;
  readonly activation: Activation;
  readonly layout: FeedForwardLayout;
  private readonly run: (x: tf.Tensor) => tf.Tensor;
  private readonly drop: Dropout;

  constructor(options: FeedForwardOptions) {
    super();
    const c = validateConfig('FeedForward', options, {
      dModel: [positiveInt, undefined],
      dFF: [positiveInt, undefined],
      activation: [oneOf('relu', 'gelu', 'gelu_tanh', 'silu', 'swiglu'), 'gelu'],
      layout: [oneOf('gpt2', 'linear'), 'linear'],
      bias: [boolean, true],
      dropout: [probability, 0],
      rng: [isObject('an Rng'), undefined],
      init: [optional(isFunction('an Initializer')), null as unknown as Initializer],
      outputInit: [optional(isFunction('an Initializer')), null as unknown as Initializer],
    });
    this.dModel = c.dModel;
    this.dFF = c.dFF;
    this.activation = c.activation;
    this.layout = c.layout;
    const init = c.init ?? undefined;
    const outInit = c.outputInit ?? init;
    const make = (name: string, nIn: number, nOut: number, initializer: Initializer | undefined) => {
      const opts = { bias: c.bias, init: initializer, rng: c.rng.fork(name) };
      return this.registerModule(name, c.layout === 'gpt2' && c.activation !== 'swiglu' ? new Conv1D(nIn, nOut, opts) : new Linear(nIn, nOut, opts));
    };
    if (c.activation === 'swiglu') {
      const gate = make('gate_proj', c.dModel, c.dFF, init);
      const up = make('up_proj', c.dModel, c.dFF, init);
      const down = make('down_proj', c.dFF, c.dModel, outInit);
      this.run = (x) => down.forward(tf.mul(activate(gate.forward(x), 'silu'), up.forward(x)));
    } else {
      const [inName, outName] = c.layout === 'gpt2' ? ['c_fc', 'c_proj'] : ['fc1', 'fc2'];
      const fc = make(inName as string, c.dModel, c.dFF, init);
      const proj = make(outName as string, c.dFF, c.dModel, outInit);
      const act = c.activation;
      this.run = (x) => proj.forward(activate(fc.forward(x), act));
    }
    this.drop = this.registerModule('dropout', new Dropout(c.dropout, c.rng.fork('dropout')));
  }

  /** x [..., dModel] -> [..., dModel]. */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const rows = tf.reshape(x, [-1, this.dModel]);
      return tf.reshape(this.drop.forward(this.run(rows)), x.shape);
    });
  }

  getConfig(): { dModel: number; dFF: number; activation: Activation; layout: FeedForwardLayout; dropout: number } {
    return { dModel: this.dModel, dFF: this.dFF, activation: this.activation, layout: this.layout, dropout: this.drop.rate };
  }
}
