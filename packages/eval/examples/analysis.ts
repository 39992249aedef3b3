// Analysis tools: attention maps per layer and head as plain arrays, and magnitude pruning whose
// masks survive an optimizer update (the trainer callback) and save/load. Run by test/examples.test.ts.
import '@llmkit/backend-wasm';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, useBackend } from '@llmkit/core';
import { attentionMaps, MagnitudePruner } from '@llmkit/eval';
import { GPT } from '@llmkit/layers';

await useBackend('wasm');
const gpt = new GPT({ vocabSize: 50, nPositions: 16, nEmbd: 32, nLayer: 2, nHead: 4, seed: 1 });

const maps = await attentionMaps(gpt, [3, 14, 15, 9, 2]); // [layer][head][query][key]
console.log('layers', maps.length, 'heads', maps[0]!.length, 'row sums', maps[1]![2]![4]!.reduce((a, b) => a + b, 0).toFixed(6));

const pruner = await MagnitudePruner.prune(gpt, { sparsity: 0.4, scope: 'global' });
console.log('sparsity', (await pruner.sparsity()).overall.toFixed(3));

// An optimizer step moves the pruned weights; the callback (in a Trainer: `callbacks: [pruner.callback()]`) zeroes them again.
for (const p of gpt.parameters()) {
  const moved = tf.add(p, 0.01);
  p.assign(moved);
  moved.dispose();
}
pruner.callback().onStep();

const dir = mkdtempSync(join(tmpdir(), 'pruned-'));
await gpt.save(dir);
const loaded = await GPT.load(dir);
const again = await MagnitudePruner.fromZeros(loaded); // or MagnitudePruner.load(loaded, file) after pruner.save(file)
console.log('sparsity after save/load', (await again.sparsity()).overall.toFixed(3));
for (const x of [gpt, loaded, pruner, again]) x.dispose();
