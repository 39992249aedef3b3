// Small hand-made models from core ops and Modules, standing in for @llmkit/layers' GPT and BERT:
// the objectives only need a function from named input tensors to named output tensors.
import { Module, Rng, embedding, normal, tf } from '@llmkit/core';
import type { ModelInputs } from '../src/index.js';

/** logits[b, t] = weight[inputIds[b, t]]: a bigram model, so -log p is easy to compute by hand. */
export class Bigram extends Module {
  readonly weight: tf.Variable;
  constructor(readonly vocabSize: number, seed = 0) {
    super();
    this.weight = this.registerParameter('weight', normal([vocabSize, vocabSize], { std: 1, rng: new Rng(seed) }));
  }
  forward({ inputIds }: { inputIds: tf.Tensor }): { logits: tf.Tensor } {
    return { logits: embedding(this.weight, inputIds) };
  }
}

/** A one-layer "BERT": token + type embeddings, a token head (MLM) and a mean-pooled sentence head [B, 2]. */
export class TinyEncoder extends Module {
  readonly tokens: tf.Variable;
  readonly types: tf.Variable;
  readonly head: tf.Variable;
  readonly sentence: tf.Variable;
  constructor(readonly vocabSize: number, readonly hidden = 8, seed = 1) {
    super();
    const rng = new Rng(seed);
    this.tokens = this.registerParameter('tokens', normal([vocabSize, hidden], { std: 0.5, rng: rng.fork('tokens') }));
    this.types = this.registerParameter('types', normal([2, hidden], { std: 0.5, rng: rng.fork('types') }));
    this.head = this.registerParameter('head', normal([hidden, vocabSize], { std: 0.5, rng: rng.fork('head') }));
    this.sentence = this.registerParameter('sentence', normal([hidden, 2], { std: 0.5, rng: rng.fork('sentence') }));
  }
  forward({ inputIds, attentionMask, tokenTypeIds }: ModelInputs): { logits: tf.Tensor; seqRelationshipLogits: tf.Tensor } {
    const [b, t] = inputIds.shape as [number, number];
    const d = this.hidden;
    const types = tokenTypeIds ?? tf.zerosLike(inputIds);
    const h = tf.add(embedding(this.tokens, inputIds), embedding(this.types, types));
    const logits = tf.reshape(tf.matMul(tf.reshape(h, [b * t, d]), this.head), [b, t, this.vocabSize]);
    const mask = tf.expandDims(tf.cast(attentionMask, 'float32'), 2);
    const pooled = tf.div(tf.sum(tf.mul(h, mask), 1), tf.maximum(tf.sum(mask, 1), 1));
    return { logits, seqRelationshipLogits: tf.matMul(pooled, this.sentence) };
  }
}

/** -log softmax(row)[label] in float64. */
export function nll(row: ArrayLike<number>, label: number): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]!);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  return max + Math.log(sum) - row[label]!;
}
