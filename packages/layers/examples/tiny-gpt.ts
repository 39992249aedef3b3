// A tiny GPT on the wasm backend: sized from a tokenizer's ids, one forward pass with its loss and
// gradients, then saved as a transformers checkpoint and loaded back. Run by test/examples.test.ts.
import '@llmkit/backend-wasm';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { softmaxCrossEntropy, tf, useBackend } from '@llmkit/core';
import { GPT, type TokenizerIds } from '@llmkit/layers';

await useBackend('wasm');
// What `tokenizer.tokenIds()` returns for a 97-token vocabulary whose last token ends a text and
// that has no bos or pad token: the config takes the vocabulary size and the ids, and the ids it
// lacks stay null (never GPT-2's 50256).
const ids: TokenizerIds = { vocabSize: 97, eosTokenId: 96 };
const gpt = GPT.fromTokenizer(ids, { nPositions: 32, nEmbd: 48, nLayer: 2, nHead: 3, seed: 0 });

const inputIds = tf.tensor2d([[5, 17, 42, 8, 3], [9, 9, 1, 0, 0]], [2, 5], 'int32');
const attentionMask = tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], [2, 5], 'int32');
// Next-token labels; padding (and the last position) ignored with -100.
const labels = tf.tensor2d([[17, 42, 8, 3, -100], [9, 1, -100, -100, -100]], [2, 5], 'int32');

const { value: loss, grads } = tf.variableGrads(() => softmaxCrossEntropy(gpt.forward({ inputIds, attentionMask }).logits, labels) as tf.Scalar);
console.log('loss', loss.dataSync()[0]); // about ln(97) ≈ 4.6 at initialisation
tf.dispose([loss, ...Object.values(grads)]);

const dir = await mkdtemp(join(tmpdir(), 'tiny-gpt-'));
await gpt.save(dir); // config.json + model.safetensors, as transformers' GPT2LMHeadModel writes them
const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
console.log('config.json ids', { vocab_size: config.vocab_size, bos_token_id: config.bos_token_id, eos_token_id: config.eos_token_id });
const again = await GPT.load(dir); // also loads checkpoints saved by transformers
const [a, b] = [gpt, again].map((model) => tf.tidy(() => model.eval().forward({ inputIds, attentionMask }).logits.dataSync()));
console.log('same logits after load:', a!.every((x, i) => x === b![i]));
tf.dispose([inputIds, attentionMask, labels]);
gpt.dispose();
again.dispose();
