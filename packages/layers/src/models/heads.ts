// Fine-tuning heads on any backbone (GPTModel, BertModel, TransformerEncoder): sequence
// classification (one label per sequence, from a pooled vector) and token classification (one
// label per token), with transformers' losses. Names follow HF: GPT-2's `score` (no bias, last
// non-pad token), BERT's `classifier` (on the pooler output), so HF's *ForSequenceClassification
// and *ForTokenClassification checkpoints load (heads-pretrained.ts) and save.
import { ConfigError, Module, Rng, ShapeError, embedding, softmaxCrossEntropy, tf } from '@llmkit/core';
import { LIMITS, integer, oneOf, optional, positiveNumber, probability, requireTensorSizes, show, sizeAtMost, validateConfig } from '../config.js';
import { Dropout } from '../dropout.js';
import { Linear } from '../linear.js';
import { weightInit, type Backbone, type ModelInputs, type Pooling } from './backbone.js';
import { checkDir, saveCheckpoint, type HFConfig } from './checkpoint.js';
import { loadClassifier, classifierFromTensors } from './heads-pretrained.js';

/** transformers' `problem_type`: which loss a sequence head computes from its labels. */
export type ProblemType = 'regression' | 'single_label_classification' | 'multi_label_classification';

export interface ClassifierOptions {
  numLabels: number;
  /** Default: the backbone's (`'last'` for GPT, `'pooler'` for BERT, `'mean'` for encoders). Sequence heads only. */
  pooling?: Pooling;
  /** Dropout before the classifier (default: the backbone's, 0.1). */
  dropout?: number;
  /** Std of the initial weights (default 0.02). */
  initializerRange?: number;
  /** Seed of the head's weights and dropout (default 0). */
  seed?: number;
  /** Label names by id (config.json's id2label; default `LABEL_i`). */
  labels?: readonly string[] | null;
  /** The loss of a sequence head, as transformers' `problem_type` (default: inferred from the labels as transformers does). */
  problemType?: ProblemType | null;
  /**
   * With `'last'` pooling, the last token that is not this id is the sequence's (transformers'
   * GPT2ForSequenceClassification). Default: the backbone's pad id; null: the attention mask's last real token.
   */
  padTokenId?: number | null;
}

const labelNames = (v: unknown) =>
  v === null || (Array.isArray(v) && v.every((l) => typeof l === 'string') && new Set(v).size === v.length) ? undefined : 'an array of distinct strings or null';
const schema = {
  // As many labels as a vocabulary may have tokens (token classification over a vocabulary).
  numLabels: [sizeAtMost(LIMITS.vocab), undefined],
  pooling: [optional(oneOf('first', 'last', 'mean', 'pooler')), null],
  dropout: [optional(probability), null],
  initializerRange: [positiveNumber, 0.02],
  seed: [integer, 0],
  labels: [labelNames, null],
  problemType: [optional(oneOf('regression', 'single_label_classification', 'multi_label_classification')), null],
  padTokenId: [(v: unknown) => (v === null || (Number.isSafeInteger(v) && (v as number) >= 0) ? undefined : 'a non-negative integer or null'), null],
} as const;

/**
 * Flat row index i*T + (last real token of row i) as int32 [B], computed on the device (no read:
 * GPU backends cannot read synchronously); T - 1 without a mask, 0 for a row with no real token.
 */
function lastTokenRows(mask: tf.Tensor | undefined, b: number, t: number): tf.Tensor1D {
  const rowStart = tf.mul(tf.range(0, b, 1, 'int32'), tf.scalar(t, 'int32'));
  if (!mask) return tf.add(rowStart, tf.scalar(t - 1, 'int32')) as tf.Tensor1D;
  const real = tf.cast(tf.notEqual(tf.reshape(mask, [b, t]), 0), 'int32');
  const last = tf.max(tf.mul(real, tf.range(0, t, 1, 'int32')), 1);
  return tf.add(rowStart, last) as tf.Tensor1D;
}

/** Summarises hidden states [B, T, C] into [B, C]. */
export function pool(pooling: Pooling, hidden: tf.Tensor, mask: tf.Tensor | undefined, pooled?: tf.Tensor): tf.Tensor {
  const [b, t, c] = hidden.shape as [number, number, number];
  return tf.tidy(() => {
    switch (pooling) {
      case 'pooler':
        if (!pooled) throw new ConfigError(`pool: 'pooler' pooling needs a backbone with a pooler (BertModel)`);
        return pooled;
      case 'first':
        return tf.reshape(tf.slice(hidden, [0, 0, 0], [b, 1, c]), [b, c]);
      case 'last': {
        // One row per sequence out of the [B*T, C] rows, through core's embedding op (whose
        // gradient is a scatter-add on every backend), not a Gather needing UnsortedSegmentSum.
        return embedding(tf.reshape(hidden, [b * t, c]), lastTokenRows(mask, b, t));
      }
      case 'mean': {
        if (!mask) return tf.mean(hidden, 1);
        const m = tf.reshape(tf.cast(tf.notEqual(mask, 0), 'float32'), [b, t, 1]);
        return tf.div(tf.sum(tf.mul(hidden, m), 1), tf.maximum(tf.sum(m, 1), 1));
      }
    }
  });
}

/** mean(max(x, 0) - x*y + log(1 + exp(-|x|))): PyTorch's BCEWithLogitsLoss, stable for large |x|. */
function bceWithLogits(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.mean(tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
}

function sameShape(where: string, labels: tf.Tensor, expected: readonly number[]): void {
  if (labels.shape.length !== expected.length || labels.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${where}: 'labels' must be [${expected.join(', ')}]; got [${labels.shape.join(', ')}]`);
  }
}

abstract class ClassifierBase extends Module {
  readonly numLabels: number;
  readonly labels: readonly string[];
  readonly classifier: Linear;
  protected readonly drop: Dropout;

  constructor(
    readonly backbone: Backbone,
    options: ClassifierOptions,
    headName: string,
    bias: boolean,
  ) {
    super();
    const c = validateConfig(new.target.name, options, schema as never) as Required<ClassifierOptions>;
    requireTensorSizes(new.target.name, [[`hiddenSize × numLabels`, backbone.hiddenSize * c.numLabels]]);
    if (c.labels && c.labels.length !== c.numLabels) {
      throw new ConfigError(`${new.target.name}: 'labels' must name numLabels (${c.numLabels}) labels; got ${c.labels.length}`);
    }
    this.numLabels = c.numLabels;
    this.labels = c.labels ? [...c.labels] : Array.from({ length: c.numLabels }, (_, i) => `LABEL_${i}`);
    this.registerModule(backbone.baseModelPrefix, backbone);
    const rng = new Rng(c.seed).fork(headName);
    this.drop = this.registerModule('dropout', new Dropout(c.dropout ?? backbone.headDefaults.dropout, rng.fork('dropout')));
    this.classifier = this.registerModule(headName, new Linear(backbone.hiddenSize, c.numLabels, { bias, init: weightInit(c.initializerRange, {}), rng }));
  }

  protected abstract architecture(): string;

  /** Extra config.json fields of this head. */
  protected headConfig(): HFConfig {
    return {};
  }

  /** Whether a weight is written by `save` (HF's BertForTokenClassification has no pooler). */
  protected saves(_key: string): boolean {
    return true;
  }

  /** The backbone's HF config plus the labels (id2label, label2id) and the head's architecture name. */
  hfConfig(): HFConfig {
    return {
      ...this.backbone.hfConfig(),
      architectures: [this.architecture()],
      id2label: Object.fromEntries(this.labels.map((l, i) => [String(i), l])),
      label2id: Object.fromEntries(this.labels.map((l, i) => [l, i])),
      ...this.headConfig(),
    };
  }

  /** Writes config.json and model.safetensors under HF's names, loadable by transformers. Node only. */
  async save(dir: string): Promise<void> {
    await saveCheckpoint(checkDir(`${this.constructor.name}.save`, dir), this.hfConfig(), this, (key) => this.saves(key));
  }
}

/**
 * One label per sequence: pool the backbone's hidden states, dropout, linear; with `labels`, the
 * loss transformers computes for the `problemType`.
 *
 * ```ts
 * const clf = new SequenceClassifier(new GPTModel(config), { numLabels: 3 });
 * const { logits, loss } = clf.forward({ inputIds, attentionMask, labels });   // logits [B, 3]
 * const tuned = await SequenceClassifier.load('hf/gpt2-sst2');               // GPT2ForSequenceClassification
 * ```
 */
export class SequenceClassifier extends ClassifierBase {
  readonly pooling: Pooling;
  readonly problemType: ProblemType | null;
  readonly padTokenId: number | null;

  constructor(backbone: Backbone, options: ClassifierOptions) {
    const d = backbone.headDefaults;
    super(backbone, options, d.classifierName, d.classifierBias);
    this.pooling = options.pooling ?? d.pooling;
    this.problemType = options.problemType ?? null;
    const backbonePad = backbone.hfConfig().pad_token_id;
    this.padTokenId = options.padTokenId !== undefined ? options.padTokenId : typeof backbonePad === 'number' ? backbonePad : null;
  }

  /** Logits [B, numLabels]; `loss` too when `labels` are given (see {@link SequenceClassifier.loss}). */
  forward(inputs: ModelInputs & { labels?: tf.Tensor }): { logits: tf.Tensor; hiddenStates: tf.Tensor; loss?: tf.Tensor } {
    return tf.tidy(() => {
      const { hiddenStates, pooledOutput } = this.backbone.encode(inputs);
      // transformers' GPT-2 head takes the last token that is not the pad id, whatever the mask says.
      const mask = this.pooling === 'last' && this.padTokenId !== null ? tf.notEqual(inputs.inputIds, tf.scalar(this.padTokenId, inputs.inputIds.dtype)) : inputs.attentionMask;
      const pooled = pool(this.pooling, hiddenStates, mask, pooledOutput);
      const logits = this.classifier.forward(this.drop.forward(pooled));
      return inputs.labels ? { logits, hiddenStates, loss: this.loss(logits, inputs.labels) } : { logits, hiddenStates };
    });
  }

  /**
   * transformers' loss: MSE for regression, cross-entropy over int labels [B], BCE-with-logits
   * over 0/1 float labels [B, numLabels]. Without `problemType`, one label means regression, int
   * labels single-label and float labels multi-label, as transformers infers it.
   * @throws ShapeError if the labels do not fit the problem type.
   */
  loss(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
    const where = 'SequenceClassifier.loss';
    const [b, n] = logits.shape as [number, number];
    const type = this.problemType ?? (n === 1 ? 'regression' : labels.dtype === 'int32' ? 'single_label_classification' : 'multi_label_classification');
    return tf.tidy(() => {
      if (type === 'single_label_classification') {
        sameShape(where, labels, [b]);
        return softmaxCrossEntropy(logits, tf.cast(labels, 'int32'));
      }
      const y = tf.cast(labels, 'float32');
      if (type === 'regression' && n === 1) {
        if (labels.size !== b) throw new ShapeError(`${where}: regression 'labels' must hold one number per row (${b}); got [${labels.shape.join(', ')}]`);
        return tf.mean(tf.squaredDifference(tf.reshape(logits, [b]), tf.reshape(y, [b])));
      }
      sameShape(where, labels, [b, n]);
      return type === 'regression' ? tf.mean(tf.squaredDifference(logits, y)) : bceWithLogits(logits, y);
    });
  }

  protected override headConfig(): HFConfig {
    return { problem_type: this.problemType, pad_token_id: this.padTokenId };
  }

  protected architecture(): string {
    return `${this.backbone.headDefaults.architecture}ForSequenceClassification`;
  }

  /** Loads an HF `GPT2ForSequenceClassification` / `BertForSequenceClassification` folder (or one `save` wrote). Node only. */
  static load(dir: string): Promise<SequenceClassifier> {
    return loadClassifier('sequence', dir) as Promise<SequenceClassifier>;
  }

  /** The same from config.json's object and its weights (e.g. `safetensorsToTensors(bytes)` in a browser). */
  static fromPretrained(config: HFConfig, tensors: Record<string, tf.Tensor>): SequenceClassifier {
    return classifierFromTensors('sequence', config, tensors) as SequenceClassifier;
  }
}

/** One label per token: dropout and a linear `classifier` on every hidden state; cross-entropy skipping label -100. */
export class TokenClassifier extends ClassifierBase {
  constructor(backbone: Backbone, options: ClassifierOptions) {
    if (options && typeof options === 'object' && options.problemType != null) {
      throw new ConfigError(`TokenClassifier: 'problemType' is for sequence heads; got ${show(options.problemType)}`);
    }
    super(backbone, options, 'classifier', true);
  }

  /** Logits [B, T, numLabels]; `loss` too when `labels` [B, T] are given. */
  forward(inputs: ModelInputs & { labels?: tf.Tensor }): { logits: tf.Tensor; hiddenStates: tf.Tensor; loss?: tf.Tensor } {
    return tf.tidy(() => {
      const { hiddenStates } = this.backbone.encode(inputs);
      const logits = this.classifier.forward(this.drop.forward(hiddenStates));
      return inputs.labels ? { logits, hiddenStates, loss: this.loss(logits, inputs.labels) } : { logits, hiddenStates };
    });
  }

  /** Mean cross-entropy over the tokens whose label is not -100 (transformers' token-classification loss). */
  loss(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
    sameShape('TokenClassifier.loss', labels, logits.shape.slice(0, -1));
    return tf.tidy(() => softmaxCrossEntropy(logits, tf.cast(labels, 'int32')));
  }

  protected override saves(key: string): boolean {
    // HF builds BertForTokenClassification without the pooler; writing it would be an unexpected key.
    return !key.startsWith('bert.pooler.');
  }

  protected architecture(): string {
    return `${this.backbone.headDefaults.architecture}ForTokenClassification`;
  }

  /** Loads an HF `GPT2ForTokenClassification` / `BertForTokenClassification` folder (or one `save` wrote). Node only. */
  static load(dir: string): Promise<TokenClassifier> {
    return loadClassifier('token', dir) as Promise<TokenClassifier>;
  }

  /** The same from config.json's object and its weights. */
  static fromPretrained(config: HFConfig, tensors: Record<string, tf.Tensor>): TokenClassifier {
    return classifierFromTensors('token', config, tensors) as TokenClassifier;
  }
}
