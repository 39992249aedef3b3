// The original Transformer (Vaswani et al. 2017) for sequence-to-sequence tasks: a shared token
// embedding scaled by sqrt(dModel) plus sinusoidal positions, post-LN encoder layers, post-LN
// decoder layers with causal self attention and cross attention to the encoder, and an output
// projection tied to the embedding. Names follow BART/Marian (`model.encoder.layers.0.self_attn…`).
import { Module, Rng, tf } from '@llmkit/core';
import { KVCache } from '../attention.js';
import { LIMITS, boolean, integer, nonNegativeInt, oneOf, optional, positiveNumber, probability, requireTensorSizes, requireThat, requireTokenIds, sizeAtMost, validateConfig } from '../config.js';
import { Dropout } from '../dropout.js';
import { SinusoidalPositionEmbedding, TokenEmbedding } from '../embeddings.js';
import { TransformerStack } from '../transformer-block.js';
import { checkInputs, weightInit, type Backbone, type BuildOptions, type ModelInputs } from './backbone.js';
import { readTokenizerIds, type TokenizerIds } from '../tokenizer-ids.js';
import { expectModelType, fromSnakeCase, snakeCase, toSnakeCase, type HFConfig } from './checkpoint.js';
import { allocationFailed, checkHFTypes, expectWeights, loadPretrained, pretrainedFromTensors, savePretrained, variableMark, type PretrainedFormat, type WeightShapes } from './pretrained.js';

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
  /** Id of the padding token, or null for none (default null). */
  padTokenId?: number | null;
  /** Id of the beginning-of-sequence token (the decoder's first input), or null for none (default null). */
  bosTokenId?: number | null;
  /** Id of the end-of-sequence token, or null for none (default null). */
  eosTokenId?: number | null;
  /** Seed of the initial weights and dropout masks (default 0). */
  seed?: number;
}

export type ResolvedEncoderDecoderConfig = Required<EncoderDecoderConfig>;

const schema = {
  vocabSize: [sizeAtMost(LIMITS.vocab), undefined],
  dModel: [sizeAtMost(LIMITS.width), 512],
  encoderLayers: [sizeAtMost(LIMITS.layers), 6],
  decoderLayers: [sizeAtMost(LIMITS.layers), 6],
  attentionHeads: [sizeAtMost(LIMITS.width), 8],
  ffnDim: [sizeAtMost(LIMITS.ffn), 2048],
  activationFunction: [oneOf('relu', 'gelu', 'gelu_new'), 'relu'],
  maxPositionEmbeddings: [sizeAtMost(LIMITS.positions), 1024],
  dropout: [probability, 0.1],
  attentionDropout: [probability, 0],
  layerNormEps: [positiveNumber, 1e-5],
  scaleEmbedding: [boolean, true],
  initStd: [positiveNumber, 0.02],
  padTokenId: [optional(nonNegativeInt), null],
  bosTokenId: [optional(nonNegativeInt), null],
  eosTokenId: [optional(nonNegativeInt), null],
  seed: [integer, 0],
} as const;

/**
 * Fills in defaults and checks every key: types, sizes within {@link LIMITS}, token ids inside the
 * vocabulary. `keyName` names the keys in messages (config.json's snake_case when loading).
 * @throws ConfigError naming the key.
 */
export function resolveEncoderDecoderConfig(config: EncoderDecoderConfig, where = 'EncoderDecoderConfig', keyName: (key: string) => string = (k) => k): ResolvedEncoderDecoderConfig {
  const c = validateConfig(where, config, schema as never, keyName) as ResolvedEncoderDecoderConfig;
  requireThat(c.dModel % c.attentionHeads === 0, where, keyName('dModel'), `divisible by ${keyName('attentionHeads')} = ${c.attentionHeads}`, c.dModel);
  requireThat(c.dModel % 2 === 0, where, keyName('dModel'), 'even (sinusoidal positions pair channels)', c.dModel);
  requireTokenIds(where, c, ['padTokenId', 'bosTokenId', 'eosTokenId'], keyName);
  requireTensorSizes(where, [
    [`${keyName('vocabSize')} × ${keyName('dModel')}`, c.vocabSize * c.dModel],
    [`${keyName('maxPositionEmbeddings')} × ${keyName('dModel')}`, c.maxPositionEmbeddings * c.dModel],
    [`${keyName('dModel')} × ${keyName('ffnDim')}`, c.dModel * c.ffnDim],
  ]);
  return c;
}

/** config.json fields checked by type although this model does not read them. */
const ENCODER_DECODER_HF_TYPES = { tie_word_embeddings: 'bool' } as const;

/** Our config from the config.json `save` writes, every field checked. @throws ConfigError / CheckpointError naming the field. */
export function encoderDecoderConfigFromHF(hf: HFConfig, where = 'EncoderDecoder.fromPretrained'): ResolvedEncoderDecoderConfig {
  expectModelType(where, hf, ['llmkit-transformer']);
  checkHFTypes(where, hf, ENCODER_DECODER_HF_TYPES);
  const picked = fromSnakeCase<EncoderDecoderConfig>(hf, Object.keys(schema).filter((k) => k !== 'seed') as (keyof EncoderDecoderConfig & string)[]);
  return resolveEncoderDecoderConfig(picked as EncoderDecoderConfig, `${where}: config.json`, snakeCase);
}

function checkEncoderDecoderWeights(c: ResolvedEncoderDecoderConfig, shapes: WeightShapes): void {
  expectWeights(
    'EncoderDecoder.load',
    shapes,
    [
      ['model.shared.weight', [c.vocabSize, c.dModel], `vocab_size ${c.vocabSize}, d_model ${c.dModel}`],
      ['model.encoder.layers.0.mlp.fc1.weight', [c.ffnDim, c.dModel], `ffn_dim ${c.ffnDim}, d_model ${c.dModel}`],
    ],
    [
      [/^model\.encoder\.layers\.(\d+)\./, c.encoderLayers, 'encoder_layers'],
      [/^model\.decoder\.layers\.(\d+)\./, c.decoderLayers, 'decoder_layers'],
    ],
  );
}

/** How encoder-decoder checkpoints are read (the shared code is in pretrained.ts). */
const ENCODER_DECODER_FORMAT: PretrainedFormat<EncoderDecoder, ResolvedEncoderDecoderConfig> = {
  name: 'EncoderDecoder',
  configFromHF: (hf) => encoderDecoderConfigFromHF(hf),
  checkWeights: checkEncoderDecoderWeights,
  build: (c) => new EncoderDecoder(c, { initialize: false }),
};

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
    const mark = variableMark();
    try {
      this.model = this.registerModule('model', new Seq2SeqBody(c, new Rng(c.seed).fork('model'), options));
    } catch (error) {
      allocationFailed('EncoderDecoderConfig', this, error, mark);
    }
  }

  /**
   * An encoder-decoder sized for a tokenizer: `vocabSize` and the pad/bos/eos ids come from
   * `tokenizer.tokenIds()` (null where it has no such token), the rest from `rest`.
   * @throws ConfigError naming the field.
   */
  static fromTokenizer(ids: TokenizerIds, rest: Omit<EncoderDecoderConfig, 'vocabSize' | 'padTokenId' | 'bosTokenId' | 'eosTokenId'> = {}, options: BuildOptions = {}): EncoderDecoder {
    const t = readTokenizerIds('EncoderDecoder.fromTokenizer', ids);
    return new EncoderDecoder({ ...rest, vocabSize: t.vocabSize, padTokenId: t.padTokenId, bosTokenId: t.bosTokenId, eosTokenId: t.eosTokenId }, options);
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

  /** Writes `dir/config.json` and `dir/model.safetensors`. Node only. */
  async save(dir: string): Promise<void> {
    await savePretrained(dir, this);
  }

  /** Loads a folder written by `save`, validating config.json against the weights before allocating. Node only. */
  static load(dir: string): Promise<EncoderDecoder> {
    return loadPretrained(ENCODER_DECODER_FORMAT, dir);
  }

  /** Builds the model from a config object (config.json's) and its weights. */
  static fromPretrained(config: HFConfig, tensors: Record<string, tf.Tensor>): EncoderDecoder {
    return pretrainedFromTensors(ENCODER_DECODER_FORMAT, config, tensors);
  }
}
