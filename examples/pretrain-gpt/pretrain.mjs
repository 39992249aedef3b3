// Pretrains a small character-level GPT on a text file: on the GPU when @llmkit/backend-cuda can
// start one, otherwise on the default backend (wasm, which @llmkit/trainer brings), said in one line.
//   node pretrain.mjs [file.txt] [steps] [out-dir]      LLMKIT_LAYERS, LLMKIT_EMBD size the model
import '@llmkit/backend-cuda';
import { BackendError, useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { CausalLM } from '@llmkit/objectives';
import { CharTrainer, charLevel } from '@llmkit/tokenizer';
import { AdamW, CosineSchedule, Trainer, packedBlocks, textFiles, trainValidation } from '@llmkit/trainer';

const [file = 'shakespeare.txt', steps = '2000', out = 'out'] = process.argv.slice(2);
const maxSteps = Number(steps);
const nLayer = Number(process.env.LLMKIT_LAYERS ?? 4);
const nEmbd = Number(process.env.LLMKIT_EMBD ?? 128);

let backend;
try {
  backend = await useBackend('cuda');
} catch (error) {
  if (!BackendError.isInstance(error)) throw error;
  backend = await useBackend('wasm'); // the default backend, a dependency of @llmkit/trainer
  console.log(`cuda unavailable (${error.message.split('. Found')[0]}); training on ${backend.name}`);
}
console.log(`backend ${backend.name}: ${backend.describe().device}`);

const corpus = textFiles(file);
const tokenizer = charLevel();
await tokenizer.train(corpus, new CharTrainer());
const blockSize = 65; // 64 predictions per row: CausalLM shifts on the host
const { train, validation } = trainValidation(
  packedBlocks,
  { source: corpus, tokenizer, blockSize, batchSize: 8, shuffleBuffer: 256, seed: 1, epochs: Infinity },
  { fraction: 0.1, by: 'block' },
);
const gpt = new GPT({ vocabSize: tokenizer.getVocabSize(), nPositions: blockSize, nEmbd, nLayer, nHead: 4, residPdrop: 0, embdPdrop: 0, attnPdrop: 0 });
const every = Math.max(1, Math.round(maxSteps / 4));
const trainer = new Trainer({
  model: gpt,
  objective: new CausalLM(),
  data: train,
  tokenizer,
  optimizer: new AdamW(gpt, { betas: [0.9, 0.99], weightDecay: 0.1 }),
  schedule: new CosineSchedule({ maxLr: 1e-3, minLr: 1e-4, warmupSteps: Math.min(100, every), decaySteps: maxSteps }),
  maxSteps,
  clipNorm: 1,
  evalEvery: every,
  evalData: validation,
  evalBatches: 4,
  checkpointDir: out,
  checkpointEvery: every,
  callbacks: [
    { onStep: ({ step, loss }) => step % every === 0 && console.log(`step ${step}: loss ${loss.toFixed(4)}`) },
    { onEval: ({ step, loss }) => console.log(`step ${step}: val loss ${loss.toFixed(4)}`) },
  ],
});
const result = await trainer.fit();
console.log(`stopped (${result.reason}) at step ${result.step}; checkpoint ${result.lastCheckpoint ?? 'none'}`);
