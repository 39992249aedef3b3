// Trains a tiny character-level GPT on a text file (nanoGPT's Shakespeare "baby" run), evaluating
// and writing checkpoints as it goes; started again, it resumes from the newest checkpoint.
//   npx tsx examples/train-tiny-gpt.ts input.txt 2000 out/shakespeare    (the README test runs a few steps)
import { existsSync } from 'node:fs';
import { useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { CausalLM } from '@llmkit/objectives';
import { CharTrainer, charLevel } from '@llmkit/tokenizer';
import { AdamW, CosineSchedule, Trainer, packedBlocks, textFiles, trainValidation } from '@llmkit/trainer';

const [file = 'input.txt', steps = '2000', out = 'out/shakespeare'] = process.argv.slice(2);
const maxSteps = Number(steps);
const every = Math.max(1, Math.round(maxSteps / 8)); // evaluate and checkpoint 8 times

const backend = await useBackend(); // the best installed backend: wasm, a dependency of @llmkit/trainer
console.log(`backend ${backend.name}: ${backend.describe().device}`);
const corpus = textFiles(file);
const tokenizer = charLevel();
await tokenizer.train(corpus, new CharTrainer());
// Rows of 65 characters (CausalLM shifts on the host: 64 predictions per row); 10 % of them validate.
const { train, validation } = trainValidation(
  packedBlocks,
  { source: corpus, tokenizer, blockSize: 65, batchSize: 12, shuffleBuffer: 1000, seed: 1, epochs: Infinity },
  { fraction: 0.1, by: 'block' },
);
const gpt = new GPT({ vocabSize: tokenizer.getVocabSize(), nPositions: 65, nEmbd: 128, nLayer: 4, nHead: 4, residPdrop: 0, embdPdrop: 0, attnPdrop: 0 });
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
  evalData: validation, // rewound at every evaluation: each one scores the same batches
  evalBatches: 20,
  checkpointDir: out,
  checkpointEvery: every,
  callbacks: [{ onEval: ({ step, loss, batches }) => console.log(`step ${step}: val loss ${loss.toFixed(4)} (${batches} batches)`) }],
});
// A progress bar on a terminal, metrics in out/shakespeare/metrics.jsonl. After a crash (or with a
// larger step count) the same script continues exactly where the newest checkpoint stopped.
const result = await trainer.fit({ resumeFrom: existsSync(`${out}/latest`) ? out : undefined });
console.log(`stopped (${result.reason}) at step ${result.step}; checkpoint ${result.lastCheckpoint ?? 'none'}`);
