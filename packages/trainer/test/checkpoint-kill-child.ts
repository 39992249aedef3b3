// Child process of checkpoint-kill.test.ts: trains a GPT of a few MB and writes a checkpoint after
// every step, forever, printing "saving <step>" before each write and "saved <step>" after; the
// test kills it with SIGKILL in the middle of a write.
import '@llmkit/backend-cpu';
import { useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { CausalLM } from '@llmkit/objectives';
import { AdamW, Trainer } from '../src/index.js';

const root = process.argv[2]!;
await useBackend('cpu');
// ~1.2M parameters: a checkpoint (weights + two moments) is ~15 MB, tens of milliseconds to write.
const model = new GPT({ vocabSize: 4096, nPositions: 8, nEmbd: 96, nLayer: 1, nHead: 2, residPdrop: 0, embdPdrop: 0, attnPdrop: 0 });
const trainer = new Trainer({ model, objective: new CausalLM(), optimizer: new AdamW(model), checkpointDir: root, keepCheckpoints: 2, log: false });
const resumeFrom = process.argv[3];
if (resumeFrom) await trainer.load(resumeFrom);
const inputIds = Int32Array.from({ length: 16 }, (_, i) => (i * 37) % 4096);
for (;;) {
  await trainer.step({ batchSize: 2, length: 8, inputIds });
  process.stdout.write(`saving ${trainer.stepCount}\n`);
  await trainer.save();
  process.stdout.write(`saved ${trainer.stepCount}\n`);
}
