// Attention-head pruning: zero chosen heads per layer (what transformers' prune_heads computes),
// keep them zero through an optimizer update (the trainer callback) and through save/load.
// Run by test/examples.test.ts.
import '@llmkit/backend-wasm';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, useBackend } from '@llmkit/core';
import { HeadPruner } from '@llmkit/eval';
import { GPT } from '@llmkit/layers';

await useBackend('wasm');
const gpt = new GPT({ vocabSize: 50, nPositions: 16, nEmbd: 32, nLayer: 2, nHead: 4, seed: 1 });

const pruner = HeadPruner.prune(gpt, { 0: [1], 1: [0, 3] }); // layer -> heads
console.log('pruned', JSON.stringify(pruner.heads));

// An optimizer step moves the pruned weights; the callback (in a Trainer: `callbacks: [pruner.callback()]`) zeroes them again.
for (const p of gpt.parameters()) {
  const moved = tf.add(p, 0.01);
  p.assign(moved);
  moved.dispose();
}
pruner.callback().onStep();

const dir = mkdtempSync(join(tmpdir(), 'heads-pruned-'));
await gpt.save(dir);
const loaded = await GPT.load(dir);
const again = await HeadPruner.fromZeros(loaded); // or HeadPruner.load(loaded, file) after pruner.save(file)
console.log('after save/load', JSON.stringify(again.heads));
for (const x of [gpt, loaded, pruner, again]) x.dispose();
