// Causal LM on padded token rows with a tiny bigram model, and gradient accumulation: two
// micro-batches, each gradient weighted by the objective's `metrics.tokens` (as the Trainer's
// default `accumulation: 'tokens'` does), give the gradient of the one batch they make up.
// Run from the repository root after `npm run build` (test/examples.test.ts runs it):
//   node packages/objectives/examples/causal-lm.mjs
import '@llmkit/backend-wasm';
import { Module, Rng, embedding, normal, tf, useBackend } from '@llmkit/core';
import { CausalLM, computeLoss } from '@llmkit/objectives';

await useBackend('wasm');
const VOCAB = 12;

/** logits[b, t] = table[inputIds[b, t]]: any model mapping { inputIds, … } to { logits } fits. */
class Bigram extends Module {
  table = this.registerParameter('table', normal([VOCAB, VOCAB], { std: 0.1, rng: new Rng(0) }));
  forward({ inputIds }) {
    return { logits: embedding(this.table, inputIds) };
  }
}

/** A TokenBatch (the shape of tokenizer.encodeBatch(texts, { padding: true })) from rows of ids, right-padded with 0. */
function tokenBatch(rows) {
  const length = Math.max(...rows.map((r) => r.length));
  const inputIds = rows.flatMap((r) => [...r, ...Array(length - r.length).fill(0)]);
  const attentionMask = rows.flatMap((r) => [...r.map(() => 1), ...Array(length - r.length).fill(0)]);
  return { batchSize: rows.length, length, inputIds, attentionMask };
}

const clm = new CausalLM();
const model = new Bigram();
const rows = [[1, 2, 3, 4, 5, 6], [7, 8], [2, 4, 6, 8, 10], [3, 5]];

/** The gradient of `prepared`'s loss, and how many positions it was a mean over. */
function gradient(prepared) {
  let tokens = 0;
  const { value, grads } = tf.variableGrads(() => {
    const result = computeLoss((x) => model.forward(x), clm, prepared);
    tokens = result.metrics.tokens;
    return result.loss;
  });
  value.dispose();
  return { grad: grads[model.table.name], tokens };
}

const whole = gradient(clm.prepare(tokenBatch(rows)));
const micro = [rows.slice(0, 1), rows.slice(1)].map((part) => gradient(clm.prepare(tokenBatch(part))));
// Σ tokensᵢ · gradᵢ / Σ tokensᵢ: a mean over every predicted position, not a mean of means.
const total = micro.reduce((n, m) => n + m.tokens, 0);
const accumulated = tf.tidy(() => tf.div(tf.addN(micro.map((m) => tf.mul(m.grad, m.tokens))), total));
const meanOfMeans = tf.tidy(() => tf.div(tf.addN(micro.map((m) => m.grad)), micro.length));
const gap = (g) => tf.tidy(() => tf.max(tf.abs(tf.sub(g, whole.grad))).dataSync()[0]);
console.log(`predicted positions: ${micro.map((m) => m.tokens).join(' + ')} = ${whole.tokens}`);
console.log(`weighted by tokens: max |difference| ${gap(accumulated).toExponential(1)}`);
console.log(`mean of means:      max |difference| ${gap(meanOfMeans).toExponential(1)}`);
tf.dispose([whole.grad, ...micro.map((m) => m.grad), accumulated, meanOfMeans]);
model.dispose();
