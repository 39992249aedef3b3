// The runner: several tasks on one model and data set, one plain object back (and a JSON file),
// and a trainer callback that runs it every N steps. Run by test/examples.test.ts.
import '@llmkit/backend-wasm';
import { useBackend } from '@llmkit/core';
import { evaluate, evaluationCallback, generationTask, perplexityTask } from '@llmkit/eval';
import { GPT } from '@llmkit/layers';
import { charLevel } from '@llmkit/tokenizer';

await useBackend('wasm');
const tokenizer = charLevel(Object.fromEntries([...'abcdefghijklmnopqrstuvwxyz .'].map((c, i) => [c, i])));
const model = GPT.fromTokenizer(tokenizer.tokenIds(), { nPositions: 32, nEmbd: 32, nLayer: 2, nHead: 4, seed: 1 });
const data = [
  { text: 'the cat sat.', prompt: 'the c', reference: 'the cat sat' },
  { text: 'a dog ran.', prompt: 'a d', reference: 'a dog ran' },
];
const metrics = [perplexityTask({ maxLength: 32 }), generationTask({ maxNewTokens: 6, metrics: ['bleu', 'chrf', 'rouge'] })];

const result = await evaluate({ model, tokenizer, data, metrics });
console.log('keys:', Object.keys(result.metrics).join(' '));

// In a Trainer: `callbacks: [callback]`; here three steps by hand.
const callback = evaluationCallback({ every: 2, run: () => evaluate({ model, tokenizer, data, metrics }), log: (step, r) => console.log(`step ${step}: perplexity ${r.metrics['perplexity/perplexity']!.toFixed(2)}`) });
for (const step of [1, 2, 3]) await callback.onStep({ step });
model.dispose();
