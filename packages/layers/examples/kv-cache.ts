// Greedy decoding with a KV cache: the prompt once, then one token per step, each step attending to
// everything cached; the same tokens as recomputing the whole sequence every step. Run by
// test/examples.test.ts.
import '@llmkit/backend-wasm';
import { tf, useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';

await useBackend('wasm');
const gpt = new GPT({ vocabSize: 50, nPositions: 32, nEmbd: 32, nLayer: 2, nHead: 4, seed: 1 }).eval();
const before = tf.memory().numTensors;

/** The most likely next token after `ids` (fed through `cache` when given). */
function next(ids: number[], cache?: ReturnType<GPT['createCache']>): number {
  return tf.tidy(() => {
    const { logits } = gpt.forward({ inputIds: tf.tensor2d([ids], [1, ids.length], 'int32'), cache });
    return tf.argMax(tf.reshape(tf.slice(logits, [0, ids.length - 1, 0], [1, 1, -1]), [-1])).dataSync()[0]!;
  });
}

const prompt = [3, 14, 15, 9];
const cache = gpt.createCache();
const cached = [...prompt, next(prompt, cache)];
while (cached.length < 12) cached.push(next([cached.at(-1)!], cache)); // only the new token goes in
cache.dispose();

const full = [...prompt];
while (full.length < 12) full.push(next(full)); // the whole sequence every step

console.log('cached:', cached.join(' '));
console.log('full:  ', full.join(' '));
console.log('tensors left:', tf.memory().numTensors - before);
gpt.dispose();
