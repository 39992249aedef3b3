// Sequence classification as an objective, so that the same Trainer that pretrained the encoder
// fine-tunes it: rows of token ids with one label each, the loss of the model's own head
// (layers' SequenceClassifier.loss: transformers' cross-entropy for single-label classification).
import { tf } from '@llmkit/core';

/** Takes `{ tokens, labels }` batches: `tokens` is `tokenizer.encodeBatch(texts, { padding: true })`, `labels` class ids. */
export class SequenceClassification {
  name = 'classification';

  /** @param {import('@llmkit/layers').SequenceClassifier} classifier whose `loss` this objective computes */
  constructor(classifier) {
    this.classifier = classifier;
  }

  prepare({ tokens, labels }) {
    const shape = [tokens.batchSize, tokens.length];
    const ids = Int32Array.from(tokens.inputIds);
    return {
      inputs: {
        inputIds: { shape, values: ids },
        attentionMask: { shape, values: Int32Array.from(tokens.attentionMask) },
        tokenTypeIds: { shape, values: new Int32Array(ids.length) },
      },
      targets: { labels: { shape: [tokens.batchSize], values: Int32Array.from(labels) } },
    };
  }

  loss(outputs, prepared) {
    const { values, shape } = prepared.targets.labels;
    const loss = tf.tidy(() => this.classifier.loss(outputs.logits, tf.tensor1d(values, 'int32')));
    return { loss, metrics: { sequences: shape[0] } };
  }

  getConfig() {
    return {};
  }
}
