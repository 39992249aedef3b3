// GPT (GPT-2's layout, Radford et al. 2019): token and learned position embeddings, pre-LN blocks
// of causal self attention and a GELU (tanh) MLP, a final LayerNorm, and an LM head tied to the
// token embedding. Parameter names and layouts are HF's GPT2LMHeadModel, so HF checkpoints load
// as they are and ours load in transformers.
import { Module, ModuleList, Rng, tf } from '@llmkit/core';
import { KVCache, MultiHeadAttention } from '../attention.js';
import { LIMITS, boolean, integer, nonNegativeInt, oneOf, optional, positiveNumber, probability, requireTensorSizes, requireThat, requireTokenIds, sizeAtMost, validateConfig } from '../config.js';
import { Dropout } from '../dropout.js';
import { LearnedPositionEmbedding, TokenEmbedding } from '../embeddings.js';
import { FeedForward } from '../feed-forward.js';
import { LayerNorm } from '../layer-norm.js';
import { checkInputs, weightInit, type Backbone, type BuildOptions, type ModelInputs } from './backbone.js';
import { readTokenizerIds, type TokenizerIds } from '../tokenizer-ids.js';
import { CheckpointError, expectModelType, fromSnakeCase, snakeCase, toSnakeCase, type HFConfig } from './checkpoint.js';
import { allocationFailed, checkHFTypes, expectWeights, loadPretrained, pretrainedFromTensors, savePretrained, variableMark, type PretrainedFormat, type WeightShapes } from './pretrained.js';

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
  /**
   * Id of the beginning-of-text token, or null for none (default null). HF's GPT2Config defaults to
   * 50256, GPT-2's `<|endoftext|>`, which lies outside any other vocabulary: take it from the
   * tokenizer (`GPT.fromTokenizer`).
   */
  bosTokenId?: number | null;
  /** Id of the end-of-text token, or null for none (default null; see `bosTokenId`). */
  eosTokenId?: number | null;
  /** Id of the padding token, or null for none (default null, as HF's GPT2Config). */
  padTokenId?: number | null;
  /** Seed of the initial weights and dropout masks (default 0). */
  seed?: number;
}

export type ResolvedGPTConfig = Required<GPTConfig>;

const gptSchema = {
  vocabSize: [sizeAtMost(LIMITS.vocab), 50257],
  nPositions: [sizeAtMost(LIMITS.positions), 1024],
  nEmbd: [sizeAtMost(LIMITS.width), 768],
  nLayer: [sizeAtMost(LIMITS.layers), 12],
  nHead: [sizeAtMost(LIMITS.width), 12],
  nInner: [optional(sizeAtMost(LIMITS.ffn)), null],
  activationFunction: [oneOf('gelu_new', 'gelu_pytorch_tanh', 'gelu', 'relu'), 'gelu_new'],
  residPdrop: [probability, 0.1],
  embdPdrop: [probability, 0.1],
  attnPdrop: [probability, 0.1],
  layerNormEpsilon: [positiveNumber, 1e-5],
  initializerRange: [positiveNumber, 0.02],
  tieWordEmbeddings: [boolean, true],
  bosTokenId: [optional(nonNegativeInt), null],
  eosTokenId: [optional(nonNegativeInt), null],
  padTokenId: [optional(nonNegativeInt), null],
  seed: [integer, 0],
} as const;

/**
 * Fills in defaults and checks every key: types, sizes within {@link LIMITS}, token ids inside the
 * vocabulary. `keyName` names the keys in messages (config.json's snake_case when loading).
 * @throws ConfigError naming the key.
 */
export function resolveGPTConfig(config: GPTConfig, where = 'GPTConfig', keyName: (key: string) => string = (k) => k): ResolvedGPTConfig {
  const c = validateConfig(where, config, gptSchema as never, keyName) as ResolvedGPTConfig;
  requireThat(c.nEmbd % c.nHead === 0, where, keyName('nEmbd'), `divisible by ${keyName('nHead')} = ${c.nHead}`, c.nEmbd);
  requireTokenIds(where, c, ['bosTokenId', 'eosTokenId', 'padTokenId'], keyName);
  const inner = c.nInner ?? 4 * c.nEmbd;
  requireTensorSizes(where, [
    [`${keyName('vocabSize')} × ${keyName('nEmbd')}`, c.vocabSize * c.nEmbd],
    [`${keyName('nPositions')} × ${keyName('nEmbd')}`, c.nPositions * c.nEmbd],
    [`${keyName('nEmbd')} × ${keyName('nInner')}`, c.nEmbd * inner],
    [`${keyName('nEmbd')} × 3 ${keyName('nEmbd')}`, 3 * c.nEmbd * c.nEmbd],
  ]);
  return c;
}

/**
 * A GPT config whose vocabulary size and bos/eos/pad ids are the tokenizer's (`tokenizer.tokenIds()`);
 * ids the tokenizer lacks are null. `rest` holds the other keys.
 */
function gptConfigFromTokenizer(ids: TokenizerIds, rest: Omit<GPTConfig, 'vocabSize' | 'bosTokenId' | 'eosTokenId' | 'padTokenId'>, where: string): GPTConfig {
  const t = readTokenizerIds(where, ids);
  return { ...rest, vocabSize: t.vocabSize, bosTokenId: t.bosTokenId, eosTokenId: t.eosTokenId, padTokenId: t.padTokenId };
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
    const mark = variableMark();
    try {
      this.wte = this.registerModule('wte', new TokenEmbedding(c.vocabSize, c.nEmbd, { init, rng: rng.fork('wte') }));
      this.wpe = this.registerModule('wpe', new LearnedPositionEmbedding(c.nPositions, c.nEmbd, { init, rng: rng.fork('wpe') }));
      this.drop = this.registerModule('drop', new Dropout(c.embdPdrop, rng.fork('drop')));
      this.h = this.registerModule('h', new ModuleList(Array.from({ length: c.nLayer }, (_, i) => new GPTBlock(c, rng.fork('h').fork(i), options))));
      this.ln_f = this.registerModule('ln_f', new LayerNorm(c.nEmbd, { epsilon: c.layerNormEpsilon }));
    } catch (error) {
      // Frees the blocks built so far, registered or not.
      allocationFailed('GPTConfig', this, error, mark);
    }
  }

  /** The body with the tokenizer's vocabulary size and ids (see {@link GPT.fromTokenizer}). */
  static fromTokenizer(ids: TokenizerIds, rest: Omit<GPTConfig, 'vocabSize' | 'bosTokenId' | 'eosTokenId' | 'padTokenId'> = {}, options: BuildOptions = {}): GPTModel {
    return new GPTModel(gptConfigFromTokenizer(ids, rest, 'GPTModel.fromTokenizer'), options);
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

/** config.json fields transformers' GPT2Config types strictly that this model does not read. */
const GPT_HF_TYPES = {
  n_ctx: 'int',
  add_cross_attention: 'bool',
  scale_attn_by_inverse_layer_idx: 'bool',
  scale_attn_weights: 'bool',
  reorder_and_upcast_attn: 'bool',
  use_cache: 'bool',
  summary_type: 'string',
  summary_activation: 'string?',
  summary_first_dropout: 'number',
  summary_proj_to_labels: 'bool',
  summary_use_proj: 'bool',
} as const;

/**
 * Our config from GPT-2's HF config.json, every field checked (types as transformers' strict
 * GPT2Config, sizes within LIMITS, ids inside the vocabulary), errors naming the config.json field.
 * @throws ConfigError / CheckpointError, also for a GPT-2 variant this model does not implement.
 */
export function gptConfigFromHF(hf: HFConfig, where = 'GPT.fromPretrained'): ResolvedGPTConfig {
  expectModelType(where, hf, ['gpt2']);
  checkHFTypes(where, hf, GPT_HF_TYPES);
  const unsupported: [string, unknown][] = [
    ['add_cross_attention', false],
    ['scale_attn_by_inverse_layer_idx', false],
    ['scale_attn_weights', true],
  ];
  for (const [key, supported] of unsupported) {
    if (hf[key] !== undefined && hf[key] !== supported) {
      throw new CheckpointError(`${where}: config.json '${key}' must be ${String(supported)} (the only setting implemented); got ${String(hf[key])}`);
    }
  }
  const picked = fromSnakeCase<GPTConfig>(hf, Object.keys(gptSchema).filter((k) => k !== 'seed') as (keyof GPTConfig & string)[]);
  return resolveGPTConfig(picked, `${where}: config.json`, snakeCase);
}

/** @internal (shared with heads-pretrained.ts) GPT-2's weights as config.json sizes them, checked before the model is built. */
export function checkGPTWeights(c: ResolvedGPTConfig, shapes: WeightShapes): void {
  const inner = c.nInner ?? 4 * c.nEmbd;
  expectWeights(
    'GPT.load',
    shapes,
    [
      ['transformer.wte.weight', [c.vocabSize, c.nEmbd], `vocab_size ${c.vocabSize}, n_embd ${c.nEmbd}`],
      ['transformer.wpe.weight', [c.nPositions, c.nEmbd], `n_positions ${c.nPositions}, n_embd ${c.nEmbd}`],
      ['transformer.h.0.attn.c_attn.weight', [c.nEmbd, 3 * c.nEmbd], `n_embd ${c.nEmbd}`],
      ['transformer.h.0.mlp.c_fc.weight', [c.nEmbd, inner], `n_embd ${c.nEmbd}, n_inner ${c.nInner}`],
      ...(c.tieWordEmbeddings ? [] : [['lm_head.weight', [c.vocabSize, c.nEmbd], `vocab_size ${c.vocabSize}, tie_word_embeddings false`] as const]),
    ],
    [[/^transformer\.h\.(\d+)\./, c.nLayer, 'n_layer']],
  );
}

/**
 * Original OpenAI GPT-2 checkpoints name parameters without the `transformer.` prefix and carry
 * causal-mask buffers (`attn.bias`, `attn.masked_bias`); transformers maps both, and so do we.
 * @internal (shared with heads-pretrained.ts)
 */
export function gptKey(key: string): string | null {
  if (/\.attn\.(bias|masked_bias)$/.test(key)) return null;
  return key.startsWith('transformer.') || key.startsWith('lm_head.') ? key : `transformer.${key}`;
}

/** How GPT checkpoints are read (the shared code is in pretrained.ts). */
const GPT_FORMAT: PretrainedFormat<GPT, ResolvedGPTConfig> = {
  name: 'GPT',
  configFromHF: (hf) => gptConfigFromHF(hf),
  renameKey: gptKey,
  checkWeights: checkGPTWeights,
  build: (c) => new GPT(c, { initialize: false }),
};

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
    const mark = variableMark();
    try {
      const head = c.tieWordEmbeddings
        ? this.transformer.wte.weight
        : weightInit(c.initializerRange, options)([c.vocabSize, c.nEmbd], new Rng(c.seed).fork('lm_head'));
      this.lm_head = this.registerModule('lm_head', new LMHead(head));
    } catch (error) {
      allocationFailed('GPTConfig', this, error, mark);
    }
  }

  /**
   * A GPT sized for a tokenizer: `vocabSize` and the bos/eos/pad ids come from
   * `tokenizer.tokenIds()` (null where the tokenizer has no such token), the rest from `rest`.
   *
   * ```ts
   * const gpt = GPT.fromTokenizer(tokenizer.tokenIds(), { nPositions: 64, nEmbd: 48, nLayer: 2, nHead: 3 });
   * ```
   * @throws ConfigError naming the field (`ids.eosTokenId` outside the vocabulary, …).
   */
  static fromTokenizer(ids: TokenizerIds, rest: Omit<GPTConfig, 'vocabSize' | 'bosTokenId' | 'eosTokenId' | 'padTokenId'> = {}, options: BuildOptions = {}): GPT {
    return new GPT(gptConfigFromTokenizer(ids, rest, 'GPT.fromTokenizer'), options);
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
    await savePretrained(dir, this);
  }

  /**
   * Loads a folder written by `save` or by transformers (GPT2LMHeadModel or GPT2Model weights),
   * validating config.json against the weights before allocating. Node only.
   */
  static load(dir: string): Promise<GPT> {
    return loadPretrained(GPT_FORMAT, dir);
  }

  /** Builds a GPT from an HF config object and its weights (e.g. `safetensorsToTensors(bytes)` in a browser). */
  static fromPretrained(config: HFConfig, tensors: Record<string, tf.Tensor>): GPT {
    return pretrainedFromTensors(GPT_FORMAT, config, tensors);
  }
}
