// Generation from an encoder's output: layers' EncoderDecoder encodes each source once, then the
// decoder runs greedy, sampled or beam search with the KV cache (cross attention computed once).
// The model is untrained, so the output is noise. Run by test/examples.test.ts.
import '@llmkit/backend-wasm';
import { tf, useBackend } from '@llmkit/core';
import { beamSearchSeq2Seq, generateSeq2Seq } from '@llmkit/eval';
import { EncoderDecoder } from '@llmkit/layers';
import { charLevel } from '@llmkit/tokenizer';

await useBackend('wasm');
const tokenizer = charLevel(Object.fromEntries([...'^$abcdefghijklmnopqrstuvwxyz '].map((c, i) => [c, i])));
// '^' starts the decoder (bosTokenId), '$' ends a row (eosTokenId).
const model = new EncoderDecoder({ vocabSize: tokenizer.getVocabSize(), dModel: 32, encoderLayers: 2, decoderLayers: 2, attentionHeads: 4, ffnDim: 64, maxPositionEmbeddings: 32, bosTokenId: 0, eosTokenId: 1, seed: 1 });
const before = tf.memory().numTensors;

const sources = ['the cat sat', 'a dog'];
const greedy = await generateSeq2Seq(model, sources, { tokenizer, maxNewTokens: 10 });
console.log('greedy:', JSON.stringify(greedy.text));

const sampled = await generateSeq2Seq(model, sources, { tokenizer, maxNewTokens: 10, temperature: 0.8, topK: 8, seed: 7 });
console.log('sampled:', JSON.stringify(sampled.text));

const beams = await beamSearchSeq2Seq(model, sources, { tokenizer, numBeams: 4, numReturnSequences: 2, maxNewTokens: 10 });
for (const [i, b] of beams.entries()) console.log(`beams of source ${i}:`, b.map((x) => `${JSON.stringify(x.text)} ${x.score.toFixed(3)}`).join(', '));

const one = (await beamSearchSeq2Seq(model, sources[0]!, { tokenizer, numBeams: 1, maxNewTokens: 10 }))[0]![0]!;
console.log('one beam equals greedy:', one.text === greedy.text![0]);
console.log('tensors left:', tf.memory().numTensors - before);
model.dispose();
