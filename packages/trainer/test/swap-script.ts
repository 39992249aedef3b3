// The training script of the one-line-swap test: a tiny GPT (dropout on, padded rows) trained a few
// steps with AdamW, warmup + cosine, clipping. Between backends only the `useBackend` line changes.
import { tf, useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { CausalLM } from '@llmkit/objectives';
import { AdamW, CosineSchedule, Trainer } from '../src/index.js';
import { SeededRows, VOCAB } from './trainer-helpers.js';

export interface SwapRun {
  losses: number[];
  gradNorms: number[];
  /** Live tensors after the run minus before (0: nothing leaked). */
  leaked: number;
}

export async function trainTinyGPT(backend: string, steps = 6): Promise<SwapRun> {
  await useBackend(backend); // ← the one line that changes between backends
  const before = tf.memory().numTensors;
  const model = new GPT({ vocabSize: VOCAB, nPositions: 16, nEmbd: 32, nLayer: 2, nHead: 2, residPdrop: 0.1, embdPdrop: 0.1, attnPdrop: 0.1, seed: 7 });
  const optimizer = new AdamW(model, { lr: 3e-3, weightDecay: 0.1 });
  const losses: number[] = [];
  const gradNorms: number[] = [];
  const trainer = new Trainer({
    model,
    objective: new CausalLM(),
    data: new SeededRows(5, 4, 16, Infinity, true),
    optimizer,
    schedule: new CosineSchedule({ maxLr: 3e-3, minLr: 3e-4, warmupSteps: 2, decaySteps: steps }),
    clipNorm: 0.5,
    maxSteps: steps,
    seed: 7,
    log: false,
    callbacks: [{ onStep: (m) => void (losses.push(m.loss), gradNorms.push(m.gradNorm)) }],
  });
  await trainer.fit();
  optimizer.dispose();
  model.dispose();
  return { losses, gradNorms, leaked: tf.memory().numTensors - before };
}
