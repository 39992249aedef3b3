// GPT (GPT-2's layout, Radford et al. 2019): token and learned position embeddings, pre-LN blocks
// of causal self attention and a GELU (tanh) MLP, a final LayerNorm, and an LM head tied to the
// token embedding. Parameter names and layouts are HF's GPT2LMHeadModel, so HF checkpoints load
// as they are and ours load in transformers.
import { ConfigError, Module, ModuleList, Rng, tf } from '@llmkit/core';
import { KVCache, MultiHeadAttention } from '../attention.js';
import { boolean, integer, nonNegativeInt, oneOf, optional, positiveInt, positiveNumber, probability, requireThat, validateConfig } from '../config.js';
import { Dropout } from '../dropout.js';
import { LearnedPositionEmbedding, TokenEmbedding } from '../embeddings.js';
import { FeedForward } from '../feed-forward.js';
import { LayerNorm } from '../layer-norm.js';
import { checkInputs, weightInit, type Backbone, type BuildOptions, type ModelInputs } from './backbone.js';
import { expectModelType, fromSnakeCase, loadInto, readCheckpoint, saveCheckpoint, toSnakeCase, type HFConfig } from './checkpoint.js';

/** GPT's configuration: HF's GPT2Config keys in camelCase, with its defaults (GPT-2 small). */
export interface GPTConfig {
  /** Default 50257. */
  vocabSize?: number;
  /** Context length, the size of the position table (default 1024). */
  nPositions?: number;
  /** Width (default 768). */
  nEmbd?: number;
  /** Blocks (default 12). */
  nLayer?: number;
  /** Attention heads; must divide nEmbd (default 12). */
  nHead?: number;
  /** MLP width (default null = 4 nEmbd). */
  nInner?: number | null;
  /** `'gelu_new'` (default) and `'gelu_pytorch_tanh'` are GELU's tanh form; `'gelu'` the exact one. */
  activationFunction?: 'gelu_new' | 'gelu_pytorch_tanh' | 'gelu' | 'relu';
  /** Dropout after each block's attention and MLP (default 0.1). */
  residPdrop?: number;
  /** Dropout on the embeddings (default 0.1). */
  embdPdrop?: number;
  /** Dropout on the attention weights (default 0.1). */
  attnPdrop?: number;
  /** Default 1e-5. */
  layerNormEpsilon?: number;
  /** Std of the initial weights (default 0.02); output projections get 0.02 / sqrt(2 nLayer). */
  initializerRange?: number;
  /** LM head shares the token embedding (default true). */
  tieWordEmbeddings?: boolean;
  /** Default 50256. */
  bosTokenId?: number;
  /** Default 50256. */
  eosTokenId?: number;
  /** Seed of the initial weights and dropout masks (default 0). */
  seed?: number;
}

export type ResolvedGPTConfig = Required<GPTConfig> & { nInner: number | null };

const gptSchema = {
  vocabSize: [positiveInt, 50257],
  nPositions: [positiveInt, 1024],
  nEmbd: [positiveInt, 768],
  nLayer: [positiveInt, 12],
  nHead: [positiveInt, 12],
  nInner: [optional(positiveInt), null],
  activationFunction: [oneOf('gelu_new', 'gelu_pytorch_tanh', 'gelu', 'relu'), 'gelu_new'],
  residPdrop: [probability, 0.1],
  embdPdrop: [probability, 0.1],
  attnPdrop: [probability, 0.1],
  layerNormEpsilon: [positiveNumber, 1e-5],
  initializerRange: [positiveNumber, 0.02],
  tieWordEmbeddings: [boolean, true],
  bosTokenId: [nonNegativeInt, 50256],
  eosTokenId: [nonNegativeInt, 50256],
  seed: [integer, 0],
} as const;

/** Fills in defaults and checks every key. @throws ConfigError naming the key. */
export function resolveGPTConfig(config: GPTConfig): ResolvedGPTConfig {
  const c = validateConfig('GPTConfig', config, gptSchema as never) as ResolvedGPTConfig;
  requireThat(c.nEmbd % c.nHead === 0, 'GPTConfig', 'nEmbd', `divisible by nHead = ${c.nHead}`, c.nEmbd);
  return c;
}

/** One pre-LN block: x + attn(ln_1(x)), then + mlp(ln_2(x)). */
export class GPTBlock extends Module {
  readonly ln_1: LayerNorm;
  readonly attn: MultiHeadAttention;
  readonly ln_2: LayerNorm;
  readonly mlp: FeedForward;
  private readonly residDrop: Dropout;

  constructor(c: ResolvedGPTConfig, rng: Rng, options: BuildOptions) {
    super();
    const init = weightInit(c.initializerRange, options);
    // GPT-2 scales the residual projections' init by 1/sqrt(2 nLayer): each block adds two.
    const outputInit = weightInit(c.initializerRange / Math.sqrt(2 * c.nLayer), options);
    this.ln_1 = this.registerModule('ln_1', new LayerNorm(c.nEmbd, { epsilon: c.layerNormEpsilon }));
    this.attn = this.registerModule(
      'attn',
      new MultiHeadAttention({ dModel: c.nEmbd, numHeads: c.nHead, layout: 'gpt2', causal: true, dropout: c.attnPdrop, rng: rng.fork('attn'), init, outputInit }),
    );
    this.ln_2 = this.registerModule('ln_2', new LayerNorm(c.nEmbd, { epsilon: c.layerNormEpsilon }));
    const activation = c.activationFunction === 'gelu' ? 'gelu' : c.activationFunction === 'relu' ? 'relu' : 'gelu_tanh';
    this.mlp = this.registerModule(
      'mlp',
      new FeedForward({ dModel: c.nEmbd, dFF: c.nInner ?? 4 * c.nEmbd, activation, layout: 'gpt2', dropout: c.residPdrop, rng: rng.fork('mlp'), init, outputInit }),
    );
    this.residDrop = this.registerModule('resid_dropout', new Dropout(c.residPdrop, rng.fork('resid_dropout')));
  }

  forward(x: tf.Tensor, mask: tf.Tensor | undefined, cache: KVCache | undefined): tf.Tensor {
    return tf.tidy(() => {
      const h = tf.add(x, this.residDrop.forward(this.attn.forward(this.ln_1.forward(x), { mask, cache })));
      return tf.add(h, this.mlp.forward(this.ln_2.forward(h)));
    });
  }
}

/** The GPT-2 body (HF's GPT2Model): embeddings, blocks, final LayerNorm. Hidden states out. */
export class GPTModel extends Module implements Backbone {
  readonly config: ResolvedGPTConfig;
  readonly wte: TokenEmbedding;
  readonly wpe: LearnedPositionEmbedding;
  readonly h: ModuleList<GPTBlock>;
  readonly ln_f: LayerNorm;
  readonly baseModelPrefix = 'transformer';
  readonly headDefaults = { classifierName: 'score', classifierBias: false, pooling: 'last', dropout: 0.1, architecture: 'GPT2' } as const;
  private readonly drop: Dropout;

  constructor(config: GPTConfig = {}, options: BuildOptions = {}) {
    super();
    const c = (this.config = resolveGPTConfig(config));
    const rng = new Rng(c.seed).fork('transformer');
    const init = weightInit(c.initializerRange, options);
    this.wte = this.registerModule('wte', new TokenEmbedding(c.vocabSize, c.nEmbd, { init, rng: rng.fork('wte') }));
    this.wpe = this.registerModule('wpe', new LearnedPositionEmbedding(c.nPositions, c.nEmbd, { init, rng: rng.fork('wpe') }));
    this.drop = this.registerModule('drop', new Dropout(c.embdPdrop, rng.fork('drop')));
    this.h = this.registerModule('h', new ModuleList(Array.from({ length: c.nLayer }, (_, i) => new GPTBlock(c, rng.fork('h').fork(i), options))));
    this.ln_f = this.registerModule('ln_f', new LayerNorm(c.nEmbd, { epsilon: c.layerNormEpsilon }));
  }

  get hiddenSize(): number {
    return this.config.nEmbd;
  }

  /** Hidden states after ln_f, [B, T, nEmbd]. With a cache, positions continue after the cached tokens. */
  forward(inputs: ModelInputs): tf.Tensor {
    const offset = inputs.cache?.length ?? 0;
    const [, t] = checkInputs('GPTModel.forward', inputs, offset);
    return tf.tidy(() => {
      let x = tf.add(this.wte.forward(inputs.inputIds), this.wpe.forward(t, offset));
      x = this.drop.forward(x);
      for (const block of this.h) x = block.forward(x, inputs.attentionMask, inputs.cache);
      return this.ln_f.forward(x);
    });
  }

  encode(inputs: ModelInputs): { hiddenStates: tf.Tensor } {
    return { hiddenStates: this.forward(inputs) };
  }

  hfConfig(): HFConfig {
    return gptHFConfig(this.config);
  }
}

/** GPT-2's HF config.json for a resolved config. */
function gptHFConfig(c: ResolvedGPTConfig): HFConfig {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    ...toSnakeCase(c, ['seed']),
    n_ctx: c.nPositions,
    scale_attn_weights: true,
    scale_attn_by_inverse_layer_idx: false,
    reorder_and_upcast_attn: false,
    add_cross_attention: false,
    dtype: 'float32',
  };
}

/** Our config from GPT-2's HF config.json. @throws ConfigError for a GPT-2 variant this model does not implement. */
export function gptConfigFromHF(hf: HFConfig): GPTConfig {
  expectModelType('GPT.fromPretrained', hf, ['gpt2']);
  const unsupported: [string, unknown][] = [
    ['add_cross_attention', false],
    ['scale_attn_by_inverse_layer_idx', false],
    ['scale_attn_weights', true],
  ];
  for (const [key, supported] of unsupported) {
    if (hf[key] !== undefined && hf[key] !== supported) {
      throw new ConfigError(`GPT.fromPretrained: config.json '${key}' must be ${String(supported)} (the only setting implemented); got ${JSON.stringify(hf[key])}`);
    }
  }
  return fromSnakeCase<GPTConfig>(hf, Object.keys(gptSchema).filter((k) => k !== 'seed') as (keyof GPTConfig & string)[]);
}

/**
 * Original OpenAI GPT-2 checkpoints name parameters without the `transformer.` prefix and carry
 * causal-mask buffers (`attn.bias`, `attn.masked_bias`); transformers maps both, and so do we.
 */
function gptKeys(tensors: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [key, value] of Object.entries(tensors)) {
    if (/\.attn\.(bias|masked_bias)$/.test(key)) continue;
    out[key.startsWith('transformer.') || key.startsWith('lm_head.') ? key : `transformer.${key}`] = value;
  }
  return out;
}

/** The weights of the LM head: tied to the token embedding, or its own [V, C]. */
class LMHead extends Module {
  readonly weight: tf.Variable;
  constructor(weight: tf.Variable | tf.Tensor) {
    super();
    this.weight = this.registerParameter('weight', weight);
  }
}

/**
 * GPT-2 with its language-modelling head (HF's GPT2LMHeadModel): `forward` returns next-token
 * logits; the loss is the objective's business (`softmaxCrossEntropy` on shifted labels).
 *
 * ```ts
 * const gpt = new GPT({ vocabSize: 97, nPositions: 64, nEmbd: 48, nLayer: 2, nHead: 3 });
 * const { logits } = gpt.forward({ inputIds });   // [B, T, 97]
 * await gpt.save('out/tiny-gpt');                 // config.json + model.safetensors, loadable by transformers
 * const again = await GPT.load('out/tiny-gpt');
 * ```
 */
export class GPT extends Module {
  readonly config: ResolvedGPTConfig;
  readonly transformer: GPTModel;
  readonly lm_head: LMHead;

  constructor(config: GPTConfig = {}, options: BuildOptions = {}) {
    super();
    this.transformer = this.registerModule('transformer', new GPTModel(config, options));
    const c = (this.config = this.transformer.config);
    const head = c.tieWordEmbeddings
      ? this.transformer.wte.weight
      : weightInit(c.initializerRange, options)([c.vocabSize, c.nEmbd], new Rng(c.seed).fork('lm_head'));
    this.lm_head = this.registerModule('lm_head', new LMHead(head));
  }

  /**
   * Next-token logits [B, T, V] and the final hidden states [B, T, C]. Pass a `cache`
   * (`createCache()`) to decode incrementally: each call appends its tokens' keys and values and
   * attends to everything cached, giving the logits a full recomputation would.
   */
  forward(inputs: ModelInputs): { logits: tf.Tensor; hiddenStates: tf.Tensor } {
    return tf.tidy(() => {
      const hiddenStates = this.transformer.forward(inputs);
      const [b, t, c] = hiddenStates.shape as [number, number, number];
      const logits = tf.reshape(tf.matMul(tf.reshape(hiddenStates, [b * t, c]), this.lm_head.weight, false, true), [b, t, this.config.vocabSize]);
      return { logits, hiddenStates };
    });
  }

  /** An empty KV cache for incremental decoding. */
  createCache(): KVCache {
    return new KVCache();
  }

  /** The config this model was built from, defaults filled in. */
  getConfig(): ResolvedGPTConfig {
    return { ...this.config };
  }

  /** HF's config.json for this model. */
  hfConfig(): HFConfig {
    return gptHFConfig(this.config);
  }

  /** Writes `dir/config.json` and `dir/model.safetensors` as transformers' save_pretrained does. Node only. */
  async save(dir: string): Promise<void> {
    await saveCheckpoint(dir, this.hfConfig(), this);
  }

  /** Loads a folder written by `save` or by transformers (GPT2LMHeadModel or GPT2Model weights). Node only. */
  static async load(dir: string): Promise<GPT> {
    const { config, tensors } = await readCheckpoint(dir);
    try {
      return GPT.fromPretrained(config, tensors);
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  /** Builds a GPT from an HF config object and its weights (e.g. `safetensorsToTensors(bytes)` in a browser). */
  static fromPretrained(config: HFConfig, tensors: Record<string, tf.Tensor>): GPT {
    return loadInto(new GPT(gptConfigFromHF(config), { initialize: false }), gptKeys(tensors));
  }
}
