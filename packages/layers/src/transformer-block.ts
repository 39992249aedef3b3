// A generic Transformer block (self attention, optional cross attention, feed-forward), pre-LN or
// post-LN, and a stack of them. Parameter names follow BART/Marian (`self_attn`,
// `self_attn_layer_norm`, `encoder_attn`, `final_layer_norm`); GPT and BERT write their own
// blocks (models/) because their checkpoints name things differently.
import { Module, ModuleList, tf, type Initializer, type Rng } from '@llmkit/core';
import { boolean, isFunction, isObject, oneOf, optional, positiveInt, positiveNumber, probability, validateConfig } from './config.js';
import { Dropout } from './dropout.js';
import { FeedForward, type Activation } from './feed-forward.js';
import { makeNorm, type LayerNorm, type NormType, type RMSNorm } from './layer-norm.js';
import { KVCache, MultiHeadAttention } from './attention.js';
import type { RotaryEmbedding } from './rotary.js';

export interface TransformerBlockOptions {
  dModel: number;
  numHeads: number;
  dFF: number;
  /** Default `'gelu'`. */
  activation?: Activation;
  /**
   * `'pre'` (default): x + f(norm(x)), as GPT-2 and every recent model; `'post'`: norm(x + f(x)),
   * as the original Transformer and BERT.
   */
  norm?: 'pre' | 'post';
  /** Default `'layer'`. */
  normType?: NormType;
  /** Norm epsilon (default 1e-5). */
  epsilon?: number;
  /** Causal self attention (decoders). Default false. */
  causal?: boolean;
  /** Add cross attention to a `context` (encoder-decoder decoders). Default false. */
  crossAttention?: boolean;
  /** Width of the context (default dModel). */
  contextDim?: number;
  /** Dropout on each sublayer's output before the residual add (default 0). */
  dropout?: number;
  /** Dropout on attention weights (default 0). */
  attentionDropout?: number;
  /** Biases on projections (default true). */
  bias?: boolean;
  rotary?: RotaryEmbedding;
  rng: Rng;
  init?: Initializer;
  outputInit?: Initializer;
}

export interface BlockInputs {
  /** Padding mask over the (cached + new) keys, [B, Tk]. */
  mask?: tf.Tensor;
  /** Encoder output for cross attention, [B, S, contextDim]. */
  context?: tf.Tensor;
  /** Padding mask over the context, [B, S]. */
  contextMask?: tf.Tensor;
  cache?: KVCache;
}

const blockSchema = {
  dModel: [positiveInt, undefined],
  numHeads: [positiveInt, undefined],
  dFF: [positiveInt, undefined],
  activation: [oneOf('relu', 'gelu', 'gelu_tanh', 'silu', 'swiglu'), 'gelu'],
  norm: [oneOf('pre', 'post'), 'pre'],
  normType: [oneOf('layer', 'rms'), 'layer'],
  epsilon: [positiveNumber, 1e-5],
  causal: [boolean, false],
  crossAttention: [boolean, false],
  contextDim: [optional(positiveInt), null],
  dropout: [probability, 0],
  attentionDropout: [probability, 0],
  bias: [boolean, true],
  rotary: [optional(isObject('a RotaryEmbedding')), null],
  rng: [isObject('an Rng'), undefined],
  init: [optional(isFunction('an Initializer')), null],
  outputInit: [optional(isFunction('an Initializer')), null],
} as const;

/**
 * One Transformer layer.
 *
 * ```ts
 * const block = new TransformerBlock({ dModel: 64, numHeads: 4, dFF: 256, causal: true, rng: new Rng(0) });
 * const y = block.forward(x, { mask });
 * ```
 */
export class TransformerBlock extends Module {
  readonly selfAttn: MultiHeadAttention;
  readonly selfAttnNorm: LayerNorm | RMSNorm;
  readonly crossAttn: MultiHeadAttention | undefined;
  readonly crossAttnNorm: LayerNorm | RMSNorm | undefined;
  readonly mlp: FeedForward;
  readonly finalNorm: LayerNorm | RMSNorm;
  readonly preNorm: boolean;
  private readonly drop: Dropout;
  private readonly options: Omit<TransformerBlockOptions, 'rng' | 'init' | 'outputInit' | 'rotary'>;

  constructor(options: TransformerBlockOptions) {
    super();
    const c = validateConfig('TransformerBlock', options, blockSchema as never) as Required<TransformerBlockOptions>;
    const { rng } = c;
    const init = c.init ?? undefined;
    const outputInit = c.outputInit ?? undefined;
    this.preNorm = c.norm === 'pre';
    this.options = {
      dModel: c.dModel, numHeads: c.numHeads, dFF: c.dFF, activation: c.activation, norm: c.norm, normType: c.normType, epsilon: c.epsilon,
      causal: c.causal, crossAttention: c.crossAttention, contextDim: c.contextDim ?? c.dModel, dropout: c.dropout, attentionDropout: c.attentionDropout, bias: c.bias,
    };
    const attention = (cross: boolean) =>
      new MultiHeadAttention({
        dModel: c.dModel, numHeads: c.numHeads, layout: 'bart', crossAttention: cross, contextDim: cross ? (c.contextDim ?? c.dModel) : c.dModel,
        causal: !cross && c.causal, dropout: c.attentionDropout, bias: c.bias, rotary: cross ? undefined : (c.rotary ?? undefined),
        rng: rng.fork(cross ? 'encoder_attn' : 'self_attn'), init, outputInit,
      });
    this.selfAttn = this.registerModule('self_attn', attention(false));
    this.selfAttnNorm = this.registerModule('self_attn_layer_norm', makeNorm(c.normType, c.dModel, c.epsilon));
    if (c.crossAttention) {
      this.crossAttn = this.registerModule('encoder_attn', attention(true));
      this.crossAttnNorm = this.registerModule('encoder_attn_layer_norm', makeNorm(c.normType, c.dModel, c.epsilon));
    }
    this.mlp = this.registerModule('mlp', new FeedForward({ dModel: c.dModel, dFF: c.dFF, activation: c.activation, bias: c.bias, dropout: c.dropout, rng: rng.fork('mlp'), init, outputInit }));
    this.finalNorm = this.registerModule('final_layer_norm', makeNorm(c.normType, c.dModel, c.epsilon));
    this.drop = this.registerModule('dropout', new Dropout(c.dropout, rng.fork('dropout')));
  }

  /** A residual sublayer, pre-LN or post-LN. */
  private residual(x: tf.Tensor, norm: LayerNorm | RMSNorm, f: (h: tf.Tensor) => tf.Tensor, dropout: boolean): tf.Tensor {
    const drop = (h: tf.Tensor) => (dropout ? this.drop.forward(h) : h);
    return this.preNorm ? tf.add(x, drop(f(norm.forward(x)))) : norm.forward(tf.add(x, drop(f(x))));
  }

  /** x [B, T, C] -> [B, T, C]. */
  forward(x: tf.Tensor, inputs: BlockInputs = {}): tf.Tensor {
    return tf.tidy(() => {
      let h = this.residual(x, this.selfAttnNorm, (a) => this.selfAttn.forward(a, { mask: inputs.mask, cache: inputs.cache }), true);
      if (this.crossAttn && this.crossAttnNorm) {
        const cross = this.crossAttn;
        h = this.residual(h, this.crossAttnNorm, (a) => cross.forward(a, { context: inputs.context, mask: inputs.contextMask, cache: inputs.cache }), true);
      }
      // The feed-forward applies its own output dropout.
      return this.residual(h, this.finalNorm, (a) => this.mlp.forward(a), false);
    });
  }

  getConfig(): Omit<TransformerBlockOptions, 'rng' | 'init' | 'outputInit' | 'rotary'> {
    return { ...this.options };
  }
}

export interface TransformerStackOptions extends TransformerBlockOptions {
  numLayers: number;
  /** A norm after the last block, named `layer_norm` (default: true for pre-LN, false for post-LN). */
  finalNorm?: boolean;
}

/**
 * `numLayers` blocks (`layers.0`, `layers.1`, …) and, for pre-LN, a final norm.
 *
 * ```ts
 * const encoder = new TransformerStack({ numLayers: 6, dModel: 512, numHeads: 8, dFF: 2048, norm: 'post', rng });
 * ```
 */
export class TransformerStack extends Module {
  readonly layers: ModuleList<TransformerBlock>;
  readonly layerNorm: LayerNorm | RMSNorm | undefined;
  readonly numLayers: number;

  constructor(options: TransformerStackOptions) {
    super();
    const { numLayers, finalNorm, ...block } = options;
    validateConfig('TransformerStack', { numLayers, finalNorm }, { numLayers: [positiveInt, undefined], finalNorm: [optional(boolean), null] });
    this.numLayers = numLayers;
    this.layers = this.registerModule(
      'layers',
      new ModuleList(Array.from({ length: numLayers }, (_, i) => new TransformerBlock({ ...block, rng: options.rng.fork('layers').fork(i) }))),
    );
    if (finalNorm ?? (block.norm ?? 'pre') === 'pre') {
      this.layerNorm = this.registerModule('layer_norm', makeNorm(block.normType ?? 'layer', block.dModel, block.epsilon));
    }
  }

  forward(x: tf.Tensor, inputs: BlockInputs = {}): tf.Tensor {
    return tf.tidy(() => {
      let h = x;
      for (const layer of this.layers) h = layer.forward(h, inputs);
      return this.layerNorm ? this.layerNorm.forward(h) : h;
    });
  }
}
