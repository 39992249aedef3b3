// Perplexity of a causal LM over a text longer than its context (HF's sliding window), bits per
// character, and pseudo-perplexity of a masked LM. Run by test/examples.test.ts.
import '@llmkit/backend-wasm';
import { useBackend } from '@llmkit/core';
import { perplexity, pseudoPerplexity, textPerplexity } from '@llmkit/eval';
import { BERT, GPT } from '@llmkit/layers';
import { charLevel } from '@llmkit/tokenizer';

await useBackend('wasm');
const tokenizer = charLevel(Object.fromEntries([...'abcdefghijklmnopqrstuvwxyz .'].map((c, i) => [c, i])));
const gpt = GPT.fromTokenizer(tokenizer.tokenIds(), { nPositions: 16, nEmbd: 32, nLayer: 2, nHead: 4, seed: 1 });

const text = 'to be or not to be that is the question.';
// Windows of 16 tokens moving by 8: every token after the first is scored with 8 to 15 tokens of context.
const r = await textPerplexity(gpt, tokenizer, text, { maxLength: 16, stride: 8 });
console.log(`perplexity ${r.perplexity.toFixed(2)} over ${r.tokensScored} tokens in ${r.windows} windows, ${r.bitsPerCharacter.toFixed(3)} bits/char`);
console.log('untrained model near uniform (28 tokens):', Math.abs(Math.log(r.perplexity) - Math.log(28)) < 0.5);

const ids = Array.from(tokenizer.encodeIds(text));
console.log('disjoint windows:', (await perplexity(gpt, ids, { maxLength: 16 })).tokensScored, 'tokens scored');

const bert = new BERT({ vocabSize: 30, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 64, maxPositionEmbeddings: 16 });
const pppl = await pseudoPerplexity(bert, ids.slice(0, 12), { maskTokenId: 29 });
console.log(`pseudo-perplexity ${pppl.pseudoPerplexity.toFixed(2)} over ${pppl.tokensScored} tokens`);
gpt.dispose();
bert.dispose();
