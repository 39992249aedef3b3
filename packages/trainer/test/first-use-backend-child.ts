// Child process of first-use-backend.test.ts: builds a tiny GPT and trains two steps without ever
// calling useBackend. argv[2] says what was imported first: 'llmkit-cpu' (@llmkit/backend-cpu),
// 'tfjs-cpu' (tfjs's own cpu backend, which no llmkit backend wraps) or 'none'.
import { currentBackend, tf } from '@llmkit/core';
import { CausalLM } from '@llmkit/objectives';
import { Trainer } from '../src/index.js';
import { SeededRows, tinyGPT } from './trainer-helpers.js';

const mode = process.argv[2];
if (mode === 'llmkit-cpu') await import('@llmkit/backend-cpu');
if (mode === 'tfjs-cpu') await import('@tensorflow/tfjs-backend-cpu');
let model;
try {
  model = tinyGPT();
} catch (error) {
  const e = error as { code?: string; message: string };
  console.log(`model: ${e.code ?? 'raw'}: ${e.message}`);
  process.exit(0);
}
console.log(`model built on tfjs '${tf.getBackend()}'`);
const data = new SeededRows(1, 2, 8);
const trainer = new Trainer({ model, objective: new CausalLM() });
const losses = [await trainer.step(data.batch(0)), await trainer.step(data.batch(1))].map((m) => m.loss);
console.log(`trained on '${currentBackend().name}', tfjs '${tf.getBackend()}': losses finite ${losses.every(Number.isFinite)}`);
