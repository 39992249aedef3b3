// BERT (Devlin et al. 2019): word + position + token-type embeddings and a LayerNorm, post-LN
// encoder layers of bidirectional self attention and a GELU (erf) feed-forward, a pooler over
// [CLS], and the pre-training heads: the MLM head (dense + GELU + LayerNorm + decoder tied to the
// word embeddings, plus a bias) and the binary sentence head that NSP and SOP both use. Names and
// layouts are HF's BertForPreTraining (`bert.encoder.layer.0.attention.self.query.weight`, …).
import { Module, ModuleList, Rng, tf, zeros } from '@llmkit/core';
import { MultiHeadAttention } from '../attention.js';
import { LIMITS, integer, nonNegativeInt, oneOf, optional, positiveNumber, probability, requireTensorSizes, requireThat, requireTokenIds, sizeAtMost, validateConfig } from '../config.js';
import { Dropout } from '../dropout.js';
import { LearnedPositionEmbedding, TokenEmbedding, TokenTypeEmbedding } from '../embeddings.js';
import { activate } from '../feed-forward.js';
import { LayerNorm } from '../layer-norm.js';
import { Linear } from '../linear.js';
import { checkInputs, weightInit, type Backbone, type BuildOptions, type ModelInputs } from './backbone.js';
import { readTokenizerIds, type TokenizerIds } from '../tokenizer-ids.js';
import { CheckpointError, expectModelType, fromSnakeCase, snakeCase, toSnakeCase, type HFConfig } from './checkpoint.js';
import { allocationFailed, checkHFTypes, expectWeights, loadPretrained, pretrainedFromTensors, savePretrained, variableMark, type PretrainedFormat, type WeightShapes } from './pretrained.js';

/** BERT's configuration: HF's BertConfig keys in camelCase, with its defaults (BERT-base). */
export interface BERTConfig {
  /** Default 30522. */
  vocabSize?: number;
  /** Default 768. */
  hiddenSize?: number;
  /** Default 12. */
  numHiddenLayers?: number;
  /** Must divide hiddenSize (default 12). */
  numAttentionHeads?: number;
  /** Feed-forward width (default 3072). */
  intermediateSize?: number;
  /** `'gelu'` (exact, default), `'gelu_new'` (tanh form) or `'relu'`. */
  hiddenAct?: 'gelu' | 'gelu_new' | 'gelu_pytorch_tanh' | 'relu';
  /** Dropout on embeddings and sublayer outputs (default 0.1). */
  hiddenDropoutProb?: number;
  /** Dropout on attention weights (default 0.1). */
  attentionProbsDropoutProb?: number;
  /** Size of the position table (default 512). */
  maxPositionEmbeddings?: number;
  /** Segment types (default 2). */
  typeVocabSize?: number;
  /** Std of the initial weights (default 0.02). */
  initializerRange?: number;
  /** Default 1e-12. */
  layerNormEps?: number;
  /**
   * Id of `[PAD]`, or null for none (default null). HF's BertConfig defaults to 0, `[PAD]` in
   * Google's vocabulary only (a WordPiece trained here may put `[UNK]` there): take it from the
   * tokenizer (`BERT.fromTokenizer`).
   */
  padTokenId?: number | null;
  /** Seed of the initial weights and dropout masks (default 0). */
  seed?: number;
}

export type ResolvedBERTConfig = Required<BERTConfig>;

const bertSchema = {
  vocabSize: [sizeAtMost(LIMITS.vocab), 30522],
  hiddenSize: [sizeAtMost(LIMITS.width), 768],
  numHiddenLayers: [sizeAtMost(LIMITS.layers), 12],
  numAttentionHeads: [sizeAtMost(LIMITS.width), 12],
  intermediateSize: [sizeAtMost(LIMITS.ffn), 3072],
  hiddenAct: [oneOf('gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu'), 'gelu'],
  hiddenDropoutProb: [probability, 0.1],
  attentionProbsDropoutProb: [probability, 0.1],
  maxPositionEmbeddings: [sizeAtMost(LIMITS.positions), 512],
  typeVocabSize: [sizeAtMost(LIMITS.typeVocab), 2],
  initializerRange: [positiveNumber, 0.02],
  layerNormEps: [positiveNumber, 1e-12],
  padTokenId: [optional(nonNegativeInt), null],
  seed: [integer, 0],
} as const;

/**
 * Fills in defaults and checks every key: types, sizes within {@link LIMITS}, `padTokenId` inside
 * the vocabulary. `keyName` names the keys in messages (config.json's snake_case when loading).
 * @throws ConfigError naming the key.
 */
export function resolveBERTConfig(config: BERTConfig, where = 'BERTConfig', keyName: (key: string) => string = (k) => k): ResolvedBERTConfig {
  const c = validateConfig(where, config, bertSchema as never, keyName) as ResolvedBERTConfig;
  requireThat(c.hiddenSize % c.numAttentionHeads === 0, where, keyName('hiddenSize'), `divisible by ${keyName('numAttentionHeads')} = ${c.numAttentionHeads}`, c.hiddenSize);
  requireTokenIds(where, c, ['padTokenId'], keyName);
  requireTensorSizes(where, [
    [`${keyName('vocabSize')} × ${keyName('hiddenSize')}`, c.vocabSize * c.hiddenSize],
    [`${keyName('maxPositionEmbeddings')} × ${keyName('hiddenSize')}`, c.maxPositionEmbeddings * c.hiddenSize],
    [`${keyName('hiddenSize')} × ${keyName('intermediateSize')}`, c.hiddenSize * c.intermediateSize],
    [`${keyName('hiddenSize')} × ${keyName('hiddenSize')}`, c.hiddenSize * c.hiddenSize],
  ]);
  return c;
}

/** A BERT config with the tokenizer's vocabulary size and `[PAD]` id (null when it has none). */
function bertConfigFromTokenizer(ids: TokenizerIds, rest: Omit<BERTConfig, 'vocabSize' | 'padTokenId'>, where: string): BERTConfig {
  const t = readTokenizerIds(where, ids);
  return { ...rest, vocabSize: t.vocabSize, padTokenId: t.padTokenId };
}

const activation = (c: ResolvedBERTConfig) => (c.hiddenAct === 'gelu' ? 'gelu' : c.hiddenAct === 'relu' ? 'relu' : 'gelu_tanh');

/** word + token type + position embeddings, then LayerNorm and dropout. */
export class BertEmbeddings extends Module {
  readonly word_embeddings: TokenEmbedding;
  readonly position_embeddings: LearnedPositionEmbedding;
  readonly token_type_embeddings: TokenTypeEmbedding;
  readonly LayerNorm: LayerNorm;
  private readonly drop: Dropout;

  constructor(c: ResolvedBERTConfig, rng: Rng, options: BuildOptions) {
    super();
    const init = weightInit(c.initializerRange, options);
    this.word_embeddings = this.registerModule('word_embeddings', new TokenEmbedding(c.vocabSize, c.hiddenSize, { init, rng: rng.fork('word_embeddings') }));
    this.position_embeddings = this.registerModule('position_embeddings', new LearnedPositionEmbedding(c.maxPositionEmbeddings, c.hiddenSize, { init, rng: rng.fork('position_embeddings') }));
    this.token_type_embeddings = this.registerModule('token_type_embeddings', new TokenTypeEmbedding(c.typeVocabSize, c.hiddenSize, { init, rng: rng.fork('token_type_embeddings') }));
    this.LayerNorm = this.registerModule('LayerNorm', new LayerNorm(c.hiddenSize, { epsilon: c.layerNormEps }));
    this.drop = this.registerModule('dropout', new Dropout(c.hiddenDropoutProb, rng.fork('dropout')));
  }

  forward(inputIds: tf.Tensor, tokenTypeIds: tf.Tensor | undefined): tf.Tensor {
    return tf.tidy(() => {
      const [b, t] = inputIds.shape as [number, number];
      const words = this.word_embeddings.forward(inputIds);
      // Absent token types are all 0: row 0 of the table, broadcast over [B, T] (no [B, T] gather).
      const types = tokenTypeIds
        ? this.token_type_embeddings.forward(tokenTypeIds)
        : tf.slice(this.token_type_embeddings.weight, [0, 0], [1, -1]);
      const x = tf.add(tf.add(words, types), this.position_embeddings.forward(t));
      return this.drop.forward(this.LayerNorm.forward(tf.reshape(x, [b, t, -1])));
    });
  }
}

/** dense, dropout, then LayerNorm(h + residual): BERT's `attention.output` and `output`. */
export class BertResidualOutput extends Module {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;
  private readonly drop: Dropout;

  constructor(c: ResolvedBERTConfig, inFeatures: number, rng: Rng, options: BuildOptions) {
    super();
    this.dense = this.registerModule('dense', new Linear(inFeatures, c.hiddenSize, { init: weightInit(c.initializerRange, options), rng: rng.fork('dense') }));
    this.LayerNorm = this.registerModule('LayerNorm', new LayerNorm(c.hiddenSize, { epsilon: c.layerNormEps }));
    this.drop = this.registerModule('dropout', new Dropout(c.hiddenDropoutProb, rng.fork('dropout')));
  }

  forward(h: tf.Tensor, residual: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.LayerNorm.forward(tf.add(this.drop.forward(this.dense.forward(h)), residual)));
  }
}

/** `self` (query/key/value attention) and `output` (projection + residual LayerNorm). */
export class BertAttention extends Module {
  readonly self: MultiHeadAttention;
  readonly output: BertResidualOutput;

  constructor(c: ResolvedBERTConfig, rng: Rng, options: BuildOptions) {
    super();
    const init = weightInit(c.initializerRange, options);
    this.self = this.registerModule(
      'self',
      new MultiHeadAttention({ dModel: c.hiddenSize, numHeads: c.numAttentionHeads, layout: 'bert', dropout: c.attentionProbsDropoutProb, rng: rng.fork('self'), init }),
    );
    this.output = this.registerModule('output', new BertResidualOutput(c, c.hiddenSize, rng.fork('output'), options));
  }

  forward(x: tf.Tensor, mask: tf.Tensor | undefined): tf.Tensor {
    return tf.tidy(() => this.output.forward(this.self.forward(x, { mask }), x));
  }
}

/** One post-LN encoder layer: LN(x + attn(x)), then LN(h + ffn(h)). */
export class BertLayer extends Module {
  readonly attention: BertAttention;
  readonly intermediate: Module & { readonly dense: Linear };
  readonly output: BertResidualOutput;
  private readonly act: 'gelu' | 'relu' | 'gelu_tanh';

  constructor(c: ResolvedBERTConfig, rng: Rng, options: BuildOptions) {
    super();
    this.act = activation(c);
    this.attention = this.registerModule('attention', new BertAttention(c, rng.fork('attention'), options));
    this.intermediate = this.registerModule('intermediate', new Dense(c.hiddenSize, c.intermediateSize, weightInit(c.initializerRange, options), rng.fork('intermediate')));
    this.output = this.registerModule('output', new BertResidualOutput(c, c.intermediateSize, rng.fork('output'), options));
  }

  forward(x: tf.Tensor, mask: tf.Tensor | undefined): tf.Tensor {
    return tf.tidy(() => {
      const h = this.attention.forward(x, mask);
      return this.output.forward(activate(this.intermediate.dense.forward(h), this.act), h);
    });
  }
}

/** A module holding one Linear named `dense` (BERT's intermediate, pooler and MLM transform). */
class Dense extends Module {
  readonly dense: Linear;
  constructor(nIn: number, nOut: number, init: ReturnType<typeof weightInit>, rng: Rng) {
    super();
    this.dense = this.registerModule('dense', new Linear(nIn, nOut, { init, rng: rng.fork('dense') }));
  }
}

/** The BERT body (HF's BertModel): embeddings, encoder layers, pooler (tanh(dense([CLS]))). */
export class BertModel extends Module implements Backbone {
  readonly config: ResolvedBERTConfig;
  readonly embeddings: BertEmbeddings;
  readonly encoder: Module & { readonly layer: ModuleList<BertLayer> };
  readonly pooler: Dense;
  readonly baseModelPrefix = 'bert';
  readonly headDefaults = { classifierName: 'classifier', classifierBias: true, pooling: 'pooler', dropout: 0.1, architecture: 'Bert' } as const;

  constructor(config: BERTConfig = {}, options: BuildOptions = {}) {
    super();
    const c = (this.config = resolveBERTConfig(config));
    const rng = new Rng(c.seed).fork('bert');
    const mark = variableMark();
    try {
      this.embeddings = this.registerModule('embeddings', new BertEmbeddings(c, rng.fork('embeddings'), options));
      const layers = new ModuleList(Array.from({ length: c.numHiddenLayers }, (_, i) => new BertLayer(c, rng.fork('encoder').fork(i), options)));
      this.encoder = this.registerModule('encoder', new BertEncoder(layers));
      this.pooler = this.registerModule('pooler', new Dense(c.hiddenSize, c.hiddenSize, weightInit(c.initializerRange, options), rng.fork('pooler')));
    } catch (error) {
      // Frees the layers built so far, registered or not.
      allocationFailed('BERTConfig', this, error, mark);
    }
  }

  /** The body with the tokenizer's vocabulary size and `[PAD]` id (see {@link BERT.fromTokenizer}). */
  static fromTokenizer(ids: TokenizerIds, rest: Omit<BERTConfig, 'vocabSize' | 'padTokenId'> = {}, options: BuildOptions = {}): BertModel {
    return new BertModel(bertConfigFromTokenizer(ids, rest, 'BertModel.fromTokenizer'), options);
  }

  get hiddenSize(): number {
    return this.config.hiddenSize;
  }

  /** Hidden states [B, T, C] and the pooled [CLS] vector [B, C]. */
  forward(inputs: ModelInputs): { hiddenStates: tf.Tensor; pooledOutput: tf.Tensor } {
    const [b] = checkInputs('BertModel.forward', inputs);
    return tf.tidy(() => {
      let h = this.embeddings.forward(inputs.inputIds, inputs.tokenTypeIds);
      for (const layer of this.encoder.layer) h = layer.forward(h, inputs.attentionMask);
      const cls = tf.reshape(tf.slice(h, [0, 0, 0], [b, 1, -1]), [b, this.config.hiddenSize]);
      return { hiddenStates: h, pooledOutput: tf.tanh(this.pooler.dense.forward(cls)) };
    });
  }

  encode(inputs: ModelInputs): { hiddenStates: tf.Tensor; pooledOutput: tf.Tensor } {
    return this.forward(inputs);
  }

  hfConfig(): HFConfig {
    return bertHFConfig(this.config, 'BertModel');
  }
}

class BertEncoder extends Module {
  constructor(readonly layer: ModuleList<BertLayer>) {
    super();
    this.registerModule('layer', layer);
  }
}

/** The decoder of the MLM head: the word embeddings (tied) and the head's bias (tied). */
class TiedDecoder extends Module {
  constructor(
    readonly weight: tf.Variable,
    readonly bias: tf.Variable,
  ) {
    super();
    this.registerParameter('weight', weight);
    this.registerParameter('bias', bias);
  }
}

/** `cls.predictions`: transform (dense, GELU, LayerNorm), then scores against the word embeddings + bias. */
export class BertLMPredictionHead extends Module {
  readonly bias: tf.Variable;
  readonly transform: Dense & { readonly LayerNorm: LayerNorm };
  readonly decoder: TiedDecoder;
  private readonly act: 'gelu' | 'relu' | 'gelu_tanh';

  constructor(c: ResolvedBERTConfig, wordEmbeddings: tf.Variable, rng: Rng, options: BuildOptions) {
    super();
    this.act = activation(c);
    this.bias = this.registerParameter('bias', zeros([c.vocabSize]));
    const transform = new Dense(c.hiddenSize, c.hiddenSize, weightInit(c.initializerRange, options), rng.fork('transform')) as Dense & { LayerNorm: LayerNorm };
    transform.LayerNorm = transform.registerModule('LayerNorm', new LayerNorm(c.hiddenSize, { epsilon: c.layerNormEps }));
    this.transform = this.registerModule('transform', transform);
    this.decoder = this.registerModule('decoder', new TiedDecoder(wordEmbeddings, this.bias));
  }

  /** Vocabulary scores [B, T, V] for hidden states [B, T, C]. */
  forward(h: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [b, t, c] = h.shape as [number, number, number];
      const x = this.transform.LayerNorm.forward(activate(this.transform.dense.forward(tf.reshape(h, [b * t, c])), this.act));
      const scores = tf.add(tf.matMul(x, this.decoder.weight, false, true), this.decoder.bias);
      return tf.reshape(scores, [b, t, -1]);
    });
  }
}

/** `cls`: the MLM head and the binary sentence head (`seq_relationship`, NSP or SOP). */
export class BertPreTrainingHeads extends Module {
  readonly predictions: BertLMPredictionHead;
  readonly seq_relationship: Linear;

  constructor(c: ResolvedBERTConfig, wordEmbeddings: tf.Variable, rng: Rng, options: BuildOptions) {
    super();
    this.predictions = this.registerModule('predictions', new BertLMPredictionHead(c, wordEmbeddings, rng.fork('predictions'), options));
    this.seq_relationship = this.registerModule('seq_relationship', new Linear(c.hiddenSize, 2, { init: weightInit(c.initializerRange, options), rng: rng.fork('seq_relationship') }));
  }
}

function bertHFConfig(c: ResolvedBERTConfig, architecture: string): HFConfig {
  return {
    architectures: [architecture],
    model_type: 'bert',
    ...toSnakeCase(c, ['seed']),
    position_embedding_type: 'absolute',
    dtype: 'float32',
  };
}

/** config.json fields transformers' BertConfig types strictly that this model does not read. */
const BERT_HF_TYPES = {
  is_decoder: 'bool',
  add_cross_attention: 'bool',
  tie_word_embeddings: 'bool',
  use_cache: 'bool',
  position_embedding_type: 'string',
  bos_token_id: 'int?',
  eos_token_id: 'int?',
  classifier_dropout: 'number?',
} as const;

/**
 * Our config from BERT's HF config.json, every field checked (types as transformers' strict
 * BertConfig, sizes within LIMITS, `pad_token_id` inside the vocabulary).
 * @throws ConfigError / CheckpointError naming the config.json field.
 */
export function bertConfigFromHF(hf: HFConfig, where = 'BERT.fromPretrained'): ResolvedBERTConfig {
  expectModelType(where, hf, ['bert']);
  checkHFTypes(where, hf, BERT_HF_TYPES);
  if (hf.position_embedding_type !== undefined && hf.position_embedding_type !== 'absolute') {
    throw new CheckpointError(`${where}: config.json 'position_embedding_type' must be "absolute" (the only one implemented); got ${JSON.stringify(hf.position_embedding_type)}`);
  }
  // transformers makes `is_decoder: true` a causal decoder (BertLMHeadModel); this BERT is an
  // encoder only, so loading one as an encoder would silently change what it computes.
  if (hf.is_decoder === true || hf.add_cross_attention === true) {
    throw new CheckpointError(`${where}: config.json '${hf.is_decoder === true ? 'is_decoder' : 'add_cross_attention'}' must be false (BERT here is an encoder); got true`);
  }
  if (hf.tie_word_embeddings === false) {
    throw new CheckpointError(`${where}: config.json 'tie_word_embeddings' must be true (the MLM decoder here is the word embeddings); got false`);
  }
  const picked = fromSnakeCase<BERTConfig>(hf, Object.keys(bertSchema).filter((k) => k !== 'seed') as (keyof BERTConfig & string)[]);
  return resolveBERTConfig(picked, `${where}: config.json`, snakeCase);
}

/** @internal (shared with heads-pretrained.ts) BertForPreTraining's weights as config.json sizes them, checked before the model is built. */
export function checkBERTWeights(c: ResolvedBERTConfig, shapes: WeightShapes): void {
  const h = c.hiddenSize;
  expectWeights(
    'BERT.load',
    shapes,
    [
      ['bert.embeddings.word_embeddings.weight', [c.vocabSize, h], `vocab_size ${c.vocabSize}, hidden_size ${h}`],
      ['bert.embeddings.position_embeddings.weight', [c.maxPositionEmbeddings, h], `max_position_embeddings ${c.maxPositionEmbeddings}, hidden_size ${h}`],
      ['bert.embeddings.token_type_embeddings.weight', [c.typeVocabSize, h], `type_vocab_size ${c.typeVocabSize}, hidden_size ${h}`],
      ['bert.encoder.layer.0.intermediate.dense.weight', [c.intermediateSize, h], `intermediate_size ${c.intermediateSize}, hidden_size ${h}`],
    ],
    [[/^bert\.encoder\.layer\.(\d+)\./, c.numHiddenLayers, 'num_hidden_layers']],
  );
}

/**
 * Old TensorFlow-converted BERT checkpoints call LayerNorm parameters gamma/beta and carry a
 * `position_ids` buffer; transformers renames and drops them on load, and so do we.
 * @internal (shared with heads-pretrained.ts)
 */
export function bertKey(key: string): string | null {
  if (/embeddings\.(position_ids|token_type_ids)$/.test(key)) return null;
  return key.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
}

/** How BERT checkpoints are read (the shared code is in pretrained.ts). */
const BERT_FORMAT: PretrainedFormat<BERT, ResolvedBERTConfig> = {
  name: 'BERT',
  configFromHF: (hf) => bertConfigFromHF(hf),
  renameKey: bertKey,
  checkWeights: checkBERTWeights,
  build: (c) => new BERT(c, { initialize: false }),
};

/**
 * BERT with its pre-training heads (HF's BertForPreTraining). `forward` returns MLM logits
 * [B, T, V] and sentence logits [B, 2]; masking and the losses belong to the objectives.
 *
 * ```ts
 * const bert = new BERT({ vocabSize: 97, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64 });
 * const { logits, seqRelationshipLogits } = bert.forward({ inputIds, attentionMask, tokenTypeIds });
 * ```
 */
export class BERT extends Module {
  readonly config: ResolvedBERTConfig;
  readonly bert: BertModel;
  readonly cls: BertPreTrainingHeads;

  constructor(config: BERTConfig = {}, options: BuildOptions = {}) {
    super();
    this.bert = this.registerModule('bert', new BertModel(config, options));
    const c = (this.config = this.bert.config);
    const mark = variableMark();
    try {
      this.cls = this.registerModule('cls', new BertPreTrainingHeads(c, this.bert.embeddings.word_embeddings.weight, new Rng(c.seed).fork('cls'), options));
    } catch (error) {
      allocationFailed('BERTConfig', this, error, mark);
    }
  }

  /**
   * A BERT sized for a tokenizer: `vocabSize` and `padTokenId` come from `tokenizer.tokenIds()`
   * (null where it has no `[PAD]`), the rest from `rest`.
   *
   * ```ts
   * const bert = BERT.fromTokenizer(tokenizer.tokenIds(), { hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64 });
   * ```
   * @throws ConfigError naming the field.
   */
  static fromTokenizer(ids: TokenizerIds, rest: Omit<BERTConfig, 'vocabSize' | 'padTokenId'> = {}, options: BuildOptions = {}): BERT {
    return new BERT(bertConfigFromTokenizer(ids, rest, 'BERT.fromTokenizer'), options);
  }

  forward(inputs: ModelInputs): { logits: tf.Tensor; seqRelationshipLogits: tf.Tensor; hiddenStates: tf.Tensor; pooledOutput: tf.Tensor } {
    return tf.tidy(() => {
      const { hiddenStates, pooledOutput } = this.bert.forward(inputs);
      return {
        logits: this.cls.predictions.forward(hiddenStates),
        seqRelationshipLogits: this.cls.seq_relationship.forward(pooledOutput),
        hiddenStates,
        pooledOutput,
      };
    });
  }

  getConfig(): ResolvedBERTConfig {
    return { ...this.config };
  }

  hfConfig(): HFConfig {
    return bertHFConfig(this.config, 'BertForPreTraining');
  }

  /** Writes `dir/config.json` and `dir/model.safetensors` as transformers' save_pretrained does. Node only. */
  async save(dir: string): Promise<void> {
    await savePretrained(dir, this);
  }

  /**
   * Loads a folder written by `save` or by transformers (BertForPreTraining weights), validating
   * config.json against the weights before allocating. Node only.
   */
  static load(dir: string): Promise<BERT> {
    return loadPretrained(BERT_FORMAT, dir);
  }

  /** Builds a BERT from an HF config object and its weights (e.g. `safetensorsToTensors(bytes)` in a browser). */
  static fromPretrained(config: HFConfig, tensors: Record<string, tf.Tensor>): BERT {
    return pretrainedFromTensors(BERT_FORMAT, config, tensors);
  }
}
