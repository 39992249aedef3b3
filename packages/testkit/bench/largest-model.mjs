// How large a GPT the default backend trains within wasm's 4 GiB memory: GPT-2's vocabulary at
// growing widths and depths, a few SGD steps each, reporting step time, tensor bytes and the wasm
// heap. Run: `npm run build && node packages/testkit/bench/largest-model.mjs [--max-layers N]`.
// gpt-tfjs cannot train the first row (6L/384, block 128, batch 8) on tfjs-wasm: its one-hot
// targets and full-vocabulary softmax copies fill the heap. llmkit's loss never makes a B·T·V copy
// beyond the logits themselves and their gradient.
import { tf, useBackend } from '@llmkit/core';
import '@llmkit/backend-wasm';
import { tinyGpt } from './tiny-gpt.mjs';

const configs = [
  { vocab: 50257, block: 128, layers: 6, heads: 6, d: 384, batch: 8 },
  { vocab: 50257, block: 256, layers: 12, heads: 12, d: 768, batch: 4 }, // GPT-2 small
  { vocab: 50257, block: 512, layers: 12, heads: 12, d: 768, batch: 8 },
  { vocab: 50257, block: 1024, layers: 24, heads: 16, d: 1024, batch: 4 }, // GPT-2 medium
];

function wasmHeapBytes() {
  const backend = tf.backend();
  return backend?.wasm?.HEAPU8?.length ?? NaN;
}

const MiB = (n) => `${(n / 2 ** 20).toFixed(0)} MiB`;

await useBackend('wasm');
console.log('| model | params | step (fwd+bwd+SGD) | loss first → last | peak tensor bytes | wasm heap |');
console.log('|---|---|---|---|---|---|');
for (const cfg of configs) {
  const label = `${cfg.layers}L/${cfg.d}, ${cfg.heads} heads, block ${cfg.block}, batch ${cfg.batch}, vocab ${cfg.vocab}`;
  let model;
  try {
    model = tinyGpt(cfg);
    const ids = tf.tensor2d(Int32Array.from({ length: cfg.batch * cfg.block }, (_, i) => (i * 7919) % cfg.vocab), [cfg.batch, cfg.block], 'int32');
    const targets = tf.tensor2d(Int32Array.from({ length: cfg.batch * cfg.block }, (_, i) => (i * 7919 + 1) % cfg.vocab), [cfg.batch, cfg.block], 'int32');
    const losses = [];
    let peak = 0;
    const times = [];
    for (let step = 0; step < 2; step++) {
      const t0 = performance.now();
      const { value, grads } = tf.variableGrads(() => model.loss(ids, targets), model.variables);
      peak = Math.max(peak, tf.memory().numBytes);
      tf.tidy(() => {
        for (const v of model.variables) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.5)));
      });
      losses.push((await value.data())[0]);
      tf.dispose([value, ...Object.values(grads)]);
      times.push(performance.now() - t0);
    }
    tf.dispose([ids, targets]);
    console.log(`| ${label} | ${(model.numParams / 1e6).toFixed(1)}M | ${(Math.min(...times) / 1000).toFixed(2)} s | ${losses[0].toFixed(3)} → ${losses.at(-1).toFixed(3)} | ${MiB(peak)} | ${MiB(wasmHeapBytes())} |`);
  } catch (e) {
    console.log(`| ${label} | ${model ? (model.numParams / 1e6).toFixed(1) + 'M' : '?'} | failed: ${String(e.message ?? e).slice(0, 120)} | | | ${MiB(wasmHeapBytes())} |`);
    break;
  } finally {
    model?.dispose();
  }
}
