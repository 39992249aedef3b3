// Generation over a GPT with the KV cache: greedy, seeded sampling, beam search, and streamed
// text, with a char-level tokenizer. (The model is untrained, so the text is noise.) Run by
// test/examples.test.ts.
import '@llmkit/backend-wasm';
import { tf, useBackend } from '@llmkit/core';
import { beamSearch, generate, streamText } from '@llmkit/eval';
import { GPT } from '@llmkit/layers';
import { charLevel } from '@llmkit/tokenizer';

await useBackend('wasm');
const alphabet = 'abcdefghijklmnopqrstuvwxyz .,';
const tokenizer = charLevel(Object.fromEntries([...alphabet].map((c, i) => [c, i])));
const gpt = GPT.fromTokenizer(tokenizer.tokenIds(), { nPositions: 64, nEmbd: 32, nLayer: 2, nHead: 4, seed: 1 });
const before = tf.memory().numTensors;

const greedy = await generate(gpt, 'the cat', { tokenizer, maxNewTokens: 12 });
console.log('greedy:', JSON.stringify(greedy.text![0]));

const sampled = await generate(gpt, ['the cat', 'a dog'], { tokenizer, maxNewTokens: 12, temperature: 0.8, topK: 10, topP: 0.95, repetitionPenalty: 1.2, seed: 42 });
console.log('sampled:', JSON.stringify(sampled.text));

const [beams] = await beamSearch(gpt, 'the cat', { tokenizer, numBeams: 4, numReturnSequences: 2, maxNewTokens: 8, lengthPenalty: 1.0 });
for (const b of beams!) console.log('beam:', JSON.stringify(b.text), b.score.toFixed(3));

let streamed = '';
for await (const chunk of streamText(gpt, 'the cat', { tokenizer, maxNewTokens: 12 })) streamed += chunk;
console.log('streamed equals greedy:', streamed === greedy.text![0]);
console.log('tensors left:', tf.memory().numTensors - before);
gpt.dispose();
