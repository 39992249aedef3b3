// The original Transformer (Vaswani et al. 2017) for sequence-to-sequence tasks: a shared token
// embedding scaled by sqrt(dModel) plus sinusoidal positions, post-LN encoder layers, post-LN
// decoder layers with causal self attention and cross attention to the encoder, and an output
// projection tied to the embedding. Names follow BART/Marian (`model.encoder.layers.0.self_attn…`).
import { Module, Rng, tf } from '@llmkit/core';
import { KVCache } from '../attention.js';
import { boolean, integer, oneOf, positiveInt, positiveNumber, probability, requireThat, validateConfig } from '../config.js';
import { Dropout } from '../dropout.js';
import { SinusoidalPositionEmbedding, TokenEmbedding } from '../embeddings.js';
import { TransformerStack } from '../transformer-block.js';
import { checkInputs, weightInit, type Backbone, type BuildOptions, type ModelInputs } from './backbone.js';
import { expectModelType, fromSnakeCase, loadInto, readCheckpoint, saveCheckpoint, toSnakeCase, type HFConfig } from './checkpoint.js';

/** The encoder-decoder's configuration, with the paper's base model as defaults. */
export interface EncoderDecoderConfig {
  /** Shared source and target vocabulary (required). */
  vocabSize: number;
  /** Default 512. */
  dModel?: number;
  /** Default 6. */
  encoderLayers?: number;
  /** Default 6. */
  decoderLayers?: number;
  /** Default 8; must divide dModel. */
  attentionHeads?: number;
  /** Default 2048. */
  ffnDim?: number;
  /** Default `'relu'`, the paper's. */
  activationFunction?: 'relu' | 'gelu' | 'gelu_new';
  /** Longest sequence (default 1024). */
  maxPositionEmbeddings?: number;
  /** Residual and embedding dropout (default 0.1). */
  dropout?: number;
  /** Dropout on attention weights (default 0). */
  attentionDropout?: number;
  /** Default 1e-5. */
  layerNormEps?: number;
  /** Multiply embeddings by sqrt(dModel) (default true). */
  scaleEmbedding?: boolean;
  /** Std of the initial weights (default 0.02). */
  initStd?: number;
  /** Seed of the initial weights and dropout masks (default 0). */
  seed?: number;
}

export type ResolvedEncoderDecoderConfig = Required<EncoderDecoderConfig>;

const schema = {
  vocabSize: [positiveInt, undefined],
  dModel: [positiveInt, 512],
  encoderLayers: [positiveInt, 6],
  decoderLayers: [positiveInt, 6],
  attentionHeads: [positiveInt, 8],
  ffnDim: [positiveInt, 2048],
  activationFunction: [oneOf('relu', 'gelu', 'gelu_new'), 'relu'],
  maxPositionEmbeddings: [positiveInt, 1024],
  dropout: [probability, 0.1],
  attentionDropout: [probability, 0],
  layerNormEps: [positiveNumber, 1e-5],
  scaleEmbedding: [boolean, true],
  initStd: [positiveNumber, 0.02],
  seed: [integer, 0],
} as const;

export function resolveEncoderDecoderConfig(config: EncoderDecoderConfig): ResolvedEncoderDecoderConfig {
  const c = validateConfig('EncoderDecoderConfig', config, schema as never) as ResolvedEncoderDecoderConfig;
  requireThat(c.dModel % c.attentionHeads === 0, 'EncoderDecoderConfig', 'dModel', `divisible by attentionHeads = ${c.attentionHeads}`, c.dModel);
  requireThat(c.dModel % 2 === 0, 'EncoderDecoderConfig', 'dModel', 'even (sinusoidal positions pair channels)', c.dModel);
  return c;
}

/** One side of the model: embeddings (shared table, scaled, plus sinusoids), dropout, layers. */
export class TransformerEncoder extends Module implements Backbone {
  readonly embed_tokens: TokenEmbedding;
  readonly embed_positions: SinusoidalPositionEmbedding;
  readonly layers: TransformerStack;
  readonly baseModelPrefix = 'encoder';
  readonly headDefaults = { classifierName: 'classifier', classifierBias: true, pooling: 'mean', dropout: 0.1, architecture: 'TransformerEncoder' } as const;
  private readonly drop: Dropout;
  private readonly scale: number;

  constructor(
    readonly config: ResolvedEncoderDecoderConfig,
    shared: TokenEmbedding,
    readonly side: 'encoder' | 'decoder',
    rng: Rng,
    options: BuildOptions,
  ) {
    super();
    const c = config;
    this.scale = c.scaleEmbedding ? Math.sqrt(c.dModel) : 1;
    this.embed_tokens = this.registerModule('embed_tokens', shared);
    this.embed_positions = this.registerModule('embed_positions', new SinusoidalPositionEmbedding(c.dModel, { maxPositions: c.maxPositionEmbeddings }));
    this.drop = this.registerModule('dropout', new Dropout(c.dropout, rng.fork('dropout')));
    const activation = c.activationFunction === 'gelu_new' ? 'gelu_tanh' : c.activationFunction;
    const stack = new TransformerStack({
      numLayers: side === 'encoder' ? c.encoderLayers : c.decoderLayers,
      dModel: c.dModel, numHeads: c.attentionHeads, dFF: c.ffnDim, activation, norm: 'post', epsilon: c.layerNormEps,
      causal: side === 'decoder', crossAttention: side === 'decoder', dropout: c.dropout, attentionDropout: c.attentionDropout,
      rng: rng.fork('layers'), init: weightInit(c.initStd, options),
    });
    // The stack's blocks appear directly under `layers.N`, as in BART.
    this.layers = stack;
    this.registerModule('layers', stack.layers);
  }

  get hiddenSize(): number {
    return this.config.dModel;
  }

  /** Embeds ids [B, T] at positions offset.. and runs the layers. */
  run(inputIds: tf.Tensor, inputs: { mask?: tf.Tensor; context?: tf.Tensor; contextMask?: tf.Tensor; cache?: KVCache }, offset = 0): tf.Tensor {
    return tf.tidy(() => {
      const t = inputIds.shape[1] as number;
      const x = tf.add(tf.mul(this.embed_tokens.forward(inputIds), this.scale), this.embed_positions.forward(t, offset));
      let h = this.drop.forward(x);
      for (const layer of this.layers.layers) h = layer.forward(h, inputs);
      return h;
    });
  }

  encode(inputs: ModelInputs): { hiddenStates: tf.Tensor } {
    checkInputs('TransformerEncoder.encode', inputs);
    return { hiddenStates: this.run(inputs.inputIds, { mask: inputs.attentionMask }) };
  }

  hfConfig(): HFConfig {
    return encoderDecoderHFConfig(this.config);
  }
}

/** `model`: the shared table, the encoder and the decoder. */
class Seq2SeqBody extends Module {
  readonly shared: TokenEmbedding;
  readonly encoder: TransformerEncoder;
  readonly decoder: TransformerEncoder;
  constructor(c: ResolvedEncoderDecoderConfig, rng: Rng, options: BuildOptions) {
    super();
    this.shared = this.registerModule('shared', new TokenEmbedding(c.vocabSize, c.dModel, { init: weightInit(c.initStd, options), rng: rng.fork('shared') }));
    this.encoder = this.registerModule('encoder', new TransformerEncoder(c, this.shared, 'encoder', rng.fork('encoder'), options));
    this.decoder = this.registerModule('decoder', new TransformerEncoder(c, this.shared, 'decoder', rng.fork('decoder'), options));
  }
}

export interface Seq2SeqInputs extends ModelInputs {
  /** Target-side ids, int32 [B, T'] (the shifted-right targets in training). */
  decoderInputIds: tf.Tensor;
  /** Padding mask of the decoder inputs; with a cache it covers the cached tokens too. */
  decoderAttentionMask?: tf.Tensor;
  /** Encoder output from an earlier call (skips the encoder while decoding). */
  encoderHiddenStates?: tf.Tensor;
}

function encoderDecoderHFConfig(c: ResolvedEncoderDecoderConfig): HFConfig {
  return {
    architectures: ['EncoderDecoder'],
    model_type: 'llmkit-transformer',
    ...toSnakeCase(c, ['seed']),
    tie_word_embeddings: true,
    dtype: 'float32',
  };
}

/**
 * Encoder-decoder Transformer with a tied output projection.
 *
 * ```ts
 * const t = new EncoderDecoder({ vocabSize: 100, dModel: 32, encoderLayers: 2, decoderLayers: 2, attentionHeads: 4, ffnDim: 64 });
 * const { logits } = t.forward({ inputIds: source, attentionMask, decoderInputIds: shiftedTargets });
 * ```
 */
export class EncoderDecoder extends Module {
  readonly config: ResolvedEncoderDecoderConfig;
  readonly model: Seq2SeqBody;

  constructor(config: EncoderDecoderConfig, options: BuildOptions = {}) {
    super();
    const c = (this.config = resolveEncoderDecoderConfig(config));
    this.model = this.registerModule('model', new Seq2SeqBody(c, new Rng(c.seed).fork('model'), options));
  }

  /** The encoder, usable alone as a Backbone (e.g. under a TokenClassifier). */
  get encoder(): TransformerEncoder {
    return this.model.encoder;
  }

  /** Encoder hidden states [B, S, C]. */
  encode(inputs: ModelInputs): tf.Tensor {
    return this.model.encoder.encode(inputs).hiddenStates;
  }

  /**
   * Target logits [B, T', V] and the encoder output. With a `cache`, the decoder continues after the
   * cached tokens and cross-attention keys are computed once; pass `encoderHiddenStates` to skip
   * re-encoding.
   */
  forward(inputs: Seq2SeqInputs): { logits: tf.Tensor; encoderHiddenStates: tf.Tensor } {
    const offset = inputs.cache?.length ?? 0;
    checkInputs('EncoderDecoder.forward (decoder)', { inputIds: inputs.decoderInputIds, attentionMask: inputs.decoderAttentionMask }, offset);
    return tf.tidy(() => {
      const encoderHiddenStates = inputs.encoderHiddenStates ?? this.encode(inputs);
      const h = this.model.decoder.run(
        inputs.decoderInputIds,
        { mask: inputs.decoderAttentionMask, context: encoderHiddenStates, contextMask: inputs.attentionMask, cache: inputs.cache },
        offset,
      );
      return { logits: this.model.shared.attend(h), encoderHiddenStates };
    });
  }

  createCache(): KVCache {
    return new KVCache();
  }

  getConfig(): ResolvedEncoderDecoderConfig {
    return { ...this.config };
  }

  hfConfig(): HFConfig {
    return encoderDecoderHFConfig(this.config);
  }

  async save(dir: string): Promise<void> {
    await saveCheckpoint(dir, this.hfConfig(), this);
  }

  static async load(dir: string): Promise<EncoderDecoder> {
    const { config, tensors } = await readCheckpoint(dir);
    try {
      return EncoderDecoder.fromPretrained(config, tensors);
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  static fromPretrained(config: HFConfig, tensors: Record<string, tf.Tensor>): EncoderDecoder {
    expectModelType('EncoderDecoder.fromPretrained', config, ['llmkit-transformer']);
    const c = fromSnakeCase<EncoderDecoderConfig>(config, Object.keys(schema).filter((k) => k !== 'seed') as (keyof EncoderDecoderConfig & string)[]);
    return loadInto(new EncoderDecoder(c as EncoderDecoderConfig, { initialize: false }), tensors);
  }
}
