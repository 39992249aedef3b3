// Loads a GPT-2 checkpoint saved by transformers (config.json + model.safetensors) with its
// tokenizer.json, scores a text's perplexity with HF's sliding window, and streams generated text.
//   node evaluate.mjs [checkpoint-dir] [new-tokens]
// gpt2-tiny is a 2-layer model with random weights from llmkit's PyTorch fixtures: its text is noise.
import '@llmkit/backend-wasm';
import { useBackend } from '@llmkit/core';
import { generate, streamText, textPerplexity } from '@llmkit/eval';
import { GPT } from '@llmkit/layers';
import { Tokenizer } from '@llmkit/tokenizer';

const [dir = 'gpt2-tiny', newTokens = '32'] = process.argv.slice(2);
await useBackend('wasm');
const gpt = await GPT.load(dir);
const tokenizer = await Tokenizer.fromFile(`${dir}/tokenizer.json`);
const { nPositions, vocabSize } = gpt.config;
console.log(`loaded ${dir}: ${gpt.config.nLayer} layers, vocabulary ${vocabSize}, context ${nPositions}`);

const text = 'First Citizen:\nBefore we proceed any further, hear me speak.\n';
// Windows of the model's whole context moving by half of it: each token after the first is scored
// with at least half a context before it.
const ppl = await textPerplexity(gpt, tokenizer, text, { maxLength: nPositions, stride: nPositions / 2 });
console.log(`perplexity ${ppl.perplexity.toFixed(2)} over ${ppl.tokensScored} tokens (${ppl.windows} windows), ${ppl.bitsPerCharacter.toFixed(3)} bits/char`);

const prompt = 'To be';
const maxNewTokens = Math.min(Number(newTokens), nPositions - tokenizer.encodeIds(prompt).length);
process.stdout.write(`sampled (temperature 0.8, top-k 20, top-p 0.95): ${prompt}`);
for await (const piece of streamText(gpt, prompt, { tokenizer, maxNewTokens, temperature: 0.8, topK: 20, topP: 0.95, seed: 7 })) process.stdout.write(piece);
process.stdout.write('\n');

// Streaming decodes the same tokens generate() returns: greedy, both must agree.
let streamed = '';
for await (const piece of streamText(gpt, prompt, { tokenizer, maxNewTokens })) streamed += piece;
const greedy = (await generate(gpt, prompt, { tokenizer, maxNewTokens })).text[0];
console.log(`greedy: ${JSON.stringify(greedy)}; streamed the same: ${streamed === greedy}`);
gpt.dispose();
if (!Number.isFinite(ppl.perplexity) || streamed !== greedy) process.exit(1);
