// A user's own objective: the confidence penalty of Pereyra et al. 2017 ("Regularizing neural
// networks by penalizing confident output distributions"): minus the mean entropy of the model's
// predicted distribution over the real tokens of each row. Alone it would teach nothing; with a
// small weight next to masked LM it keeps the predictions from becoming over-confident.
import { tf } from '@llmkit/core';

export class ConfidencePenalty {
  constructor({ name = 'confidence', logitsKey = 'logits' } = {}) {
    this.name = name;
    this.logitsKey = logitsKey;
  }

  // Host side, no tensors: the rows as they are (after MaskedLM, when combined after it) and which
  // positions count. No randomness, so `rng` is not drawn from.
  prepare(batch, _rng) {
    const shape = [batch.batchSize, batch.length];
    const n = batch.batchSize * batch.length;
    const real = new Float32Array(n).fill(1);
    if (batch.attentionMask) for (let i = 0; i < n; i++) real[i] = batch.attentionMask[i] ? 1 : 0;
    return {
      inputs: { inputIds: { shape, values: Int32Array.from(batch.inputIds) }, attentionMask: { shape, values: Int32Array.from(real) } },
      targets: { confidenceWeights: { shape, values: real } },
    };
  }

  loss(outputs, prepared) {
    const { shape, values } = prepared.targets.confidenceWeights;
    const tokens = values.reduce((a, b) => a + b, 0);
    const loss = tf.tidy(() => {
      const logp = tf.logSoftmax(outputs[this.logitsKey]); // [B, T, V]
      const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1)); // [B, T]
      const weights = tf.tensor(values, shape, 'float32');
      // Mean over real tokens; an all-padding batch gives 0, not NaN.
      return tf.neg(tf.div(tf.sum(tf.mul(entropy, weights)), Math.max(tokens, 1)));
    });
    // No `metrics.tokens`: combine() sums the token counts of its parts for gradient accumulation,
    // and masked LM's count is the one its mean is over.
    return { loss };
  }

  getConfig() {
    return { name: this.name, logitsKey: this.logitsKey };
  }
}
