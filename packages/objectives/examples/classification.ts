// A custom objective: sequence classification for fine-tuning (test/readme.test.ts runs it).
import { softmaxCrossEntropy, tf } from '@llmkit/core';
import { toTensor, type Objective, type Prepared, type TokenBatch } from '@llmkit/objectives';

/** One class per row, from a model output `classLogits` [B, C]. */
export class Classification implements Objective<{ tokens: TokenBatch; labels: ArrayLike<number> }> {
  readonly name = 'classification';

  prepare({ tokens, labels }: { tokens: TokenBatch; labels: ArrayLike<number> }): Prepared {
    const shape = [tokens.batchSize, tokens.length!];
    const ones = new Int32Array(tokens.inputIds.length).fill(1);
    return {
      inputs: {
        inputIds: { shape, values: Int32Array.from(tokens.inputIds) },
        attentionMask: { shape, values: tokens.attentionMask ? Int32Array.from(tokens.attentionMask) : ones },
      },
      targets: { classLabels: { shape: [tokens.batchSize], values: Int32Array.from(labels) } },
    };
  }

  loss(outputs: object, prepared: Prepared) {
    const { classLogits } = outputs as { classLogits: tf.Tensor };
    // tidy: the label tensor is freed, only the loss escapes.
    return { loss: tf.tidy(() => softmaxCrossEntropy(classLogits, toTensor(prepared.targets.classLabels!))) as tf.Scalar };
  }

  getConfig() {
    return {};
  }
}
