// Trains a tiny hand-made encoder on ALBERT's objectives (masked LM + sentence order) for a few steps
// on the wasm backend. Run from the repository root after `npm run build` (test/examples.test.ts
// runs it with STEPS=20):
//   node packages/objectives/examples/mlm-sop.mjs
import '@llmkit/backend-wasm';
import { Module, Rng, embedding, normal, tf, useBackend } from '@llmkit/core';
import { MaskedLM, SentenceOrder, combine, computeLoss } from '@llmkit/objectives';

await useBackend('wasm');
const STEPS = Number(process.env.STEPS ?? 200);
// What `tokenizer.tokenIds()` returns for a 32-token vocabulary with BERT's special tokens.
const ids = { vocabSize: 32, padTokenId: 0, clsTokenId: 1, sepTokenId: 2, maskTokenId: 3 };
const [VOCAB, HIDDEN] = [ids.vocabSize, 16];

// Any model fits that maps { inputIds, attentionMask, tokenTypeIds } to named outputs, here token
// logits [B, T, V] and sentence logits [B, 2] (the keys @llmkit/layers' BERT returns). Each token
// sees its neighbours (for MLM) and is scaled by its segment's embedding, so a mean over the row
// can tell segment A's tokens from B's (for SOP).
class TinyEncoder extends Module {
  rng = new Rng(0);
  init = (name, shape, mean = 0) => this.registerParameter(name, normal(shape, { mean, std: 0.1, rng: this.rng.fork(name) }));
  tokens = this.init('tokens', [VOCAB, HIDDEN]);
  types = this.init('types', [2, HIDDEN], 1);
  head = this.init('head', [3 * HIDDEN, VOCAB]);
  sentence = this.init('sentence', [HIDDEN, 2]);
  forward({ inputIds, attentionMask, tokenTypeIds }) {
    const [b, t] = inputIds.shape;
    const e = embedding(this.tokens, inputIds);
    const shift = (by) => tf.slice(tf.pad(e, [[0, 0], [Math.max(by, 0), Math.max(-by, 0)], [0, 0]]), [0, Math.max(-by, 0), 0], [b, t, HIDDEN]);
    const context = tf.reshape(tf.concat([e, shift(1), shift(-1)], 2), [b * t, 3 * HIDDEN]);
    const logits = tf.reshape(tf.matMul(context, this.head), [b, t, VOCAB]);
    const mask = tf.expandDims(tf.cast(attentionMask, 'float32'), 2);
    const h = tf.mul(tf.mul(e, embedding(this.types, tokenTypeIds)), mask);
    const pooled = tf.div(tf.sum(h, 1), tf.sum(mask, 1));
    return { logits, seqRelationshipLogits: tf.matMul(pooled, this.sentence) };
  }
}

// The ids come from the tokenizer; MaskedLM never masks nor draws any special token.
const objective = combine([SentenceOrder.fromTokenizer(ids, { maxLength: 16 }), MaskedLM.fromTokenizer(ids)], { mlm: 1, sop: 1 });

// "Documents" where token i is always followed by token i + 1: the masked tokens and the order of
// two consecutive segments are both learnable.
const data = new Rng(1);
const segment = (start, n) => Array.from({ length: n }, (_, i) => 4 + start + i);
function nextBatch() {
  return {
    pairs: Array.from({ length: 16 }, () => {
      const start = data.nextInt(VOCAB - 14);
      const n = 2 + data.nextInt(4);
      return { a: segment(start, n), b: segment(start + n, 2 + data.nextInt(4)) };
    }),
  };
}

const model = new TinyEncoder();
const optimizer = tf.train.adam(0.02);
const rng = new Rng(42); // masks and swaps: a new draw every batch, the same run for the same seed
for (let step = 1; step <= STEPS; step++) {
  const prepared = objective.prepare(nextBatch(), rng); // host-side typed arrays, no tensors
  let parts = {};
  let tokens = 0;
  const loss = optimizer.minimize(() => {
    const result = computeLoss((x) => model.forward(x), objective, prepared);
    // The forward pass is tidied inside minimize: read (or tf.keep) the parts you log here.
    parts = Object.fromEntries(Object.entries(result.parts).map(([k, t]) => [k, t.dataSync()[0].toFixed(3)]));
    tokens = result.metrics.tokens; // masked tokens: what gradient accumulation weights this batch by
    return result.loss;
  }, true);
  if (step % 50 === 0 || step === 1 || step === STEPS) console.log(`step ${step}: loss ${loss.dataSync()[0].toFixed(3)}`, parts, `${tokens} masked tokens`);
  loss.dispose();
}
model.dispose();
optimizer.dispose();
