// Fine-tuning heads on any backbone (GPTModel, BertModel, TransformerEncoder): sequence
// classification (one label per sequence, from a pooled vector) and token classification (one
// label per token). Names follow HF: GPT-2's `score` (no bias, last real token), BERT's
// `classifier` (on the pooler output), so HF's *ForSequenceClassification checkpoints load.
import { ConfigError, Module, Rng, embedding, tf } from '@llmkit/core';
import { LIMITS, integer, oneOf, optional, positiveNumber, probability, requireTensorSizes, sizeAtMost, validateConfig } from '../config.js';
import { Dropout } from '../dropout.js';
import { Linear } from '../linear.js';
import { weightInit, type Backbone, type ModelInputs, type Pooling } from './backbone.js';
import type { HFConfig } from './checkpoint.js';
import { savePretrained } from './pretrained.js';

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
}

const schema = {
  // As many labels as a vocabulary may have tokens (token classification over a vocabulary).
  numLabels: [sizeAtMost(LIMITS.vocab), undefined],
  pooling: [optional(oneOf('first', 'last', 'mean', 'pooler')), null],
  dropout: [optional(probability), null],
  initializerRange: [positiveNumber, 0.02],
  seed: [integer, 0],
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

abstract class ClassifierBase extends Module {
  readonly numLabels: number;
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
    this.numLabels = c.numLabels;
    this.registerModule(backbone.baseModelPrefix, backbone);
    const rng = new Rng(c.seed).fork(headName);
    this.drop = this.registerModule('dropout', new Dropout(c.dropout ?? backbone.headDefaults.dropout, rng.fork('dropout')));
    this.classifier = this.registerModule(headName, new Linear(backbone.hiddenSize, c.numLabels, { bias, init: weightInit(c.initializerRange, {}), rng }));
  }

  protected abstract architecture(): string;

  /** The backbone's HF config plus `num_labels` and the head's architecture name. */
  hfConfig(): HFConfig {
    const labels = Array.from({ length: this.numLabels }, (_, i) => [String(i), `LABEL_${i}`]);
    return {
      ...this.backbone.hfConfig(),
      architectures: [this.architecture()],
      id2label: Object.fromEntries(labels),
      label2id: Object.fromEntries(labels.map(([i, l]) => [l, Number(i)])),
    };
  }

  /** Writes config.json and model.safetensors under HF's names. Node only. */
  async save(dir: string): Promise<void> {
    await savePretrained(dir, this);
  }
}

/**
 * One label per sequence: pool the backbone's hidden states, dropout, linear.
 *
 * ```ts
 * const clf = new SequenceClassifier(new GPTModel(config), { numLabels: 3 });
 * const { logits } = clf.forward({ inputIds, attentionMask });   // [B, 3]
 * ```
 */
export class SequenceClassifier extends ClassifierBase {
  readonly pooling: Pooling;

  constructor(backbone: Backbone, options: ClassifierOptions) {
    const d = backbone.headDefaults;
    super(backbone, options, d.classifierName, d.classifierBias);
    this.pooling = options.pooling ?? d.pooling;
  }

  forward(inputs: ModelInputs): { logits: tf.Tensor; hiddenStates: tf.Tensor } {
    return tf.tidy(() => {
      const { hiddenStates, pooledOutput } = this.backbone.encode(inputs);
      const pooled = pool(this.pooling, hiddenStates, inputs.attentionMask, pooledOutput);
      return { logits: this.classifier.forward(this.drop.forward(pooled)), hiddenStates };
    });
  }

  protected architecture(): string {
    return `${this.backbone.headDefaults.architecture}ForSequenceClassification`;
  }
}

/** One label per token: dropout and a linear `classifier` on every hidden state. */
export class TokenClassifier extends ClassifierBase {
  constructor(backbone: Backbone, options: ClassifierOptions) {
    super(backbone, options, 'classifier', true);
  }

  forward(inputs: ModelInputs): { logits: tf.Tensor; hiddenStates: tf.Tensor } {
    return tf.tidy(() => {
      const { hiddenStates } = this.backbone.encode(inputs);
      return { logits: this.classifier.forward(this.drop.forward(hiddenStates)), hiddenStates };
    });
  }

  protected architecture(): string {
    return `${this.backbone.headDefaults.architecture}ForTokenClassification`;
  }
}
