// 50 training steps against PyTorch: the tiny GPT-2 (causal LM) and the tiny BERT (MLM + SOP, masks
// and swaps fixed by the fixture and given to both sides) from testkit's HF checkpoints, trained by
// torch.optim.AdamW (betas 0.9/0.95, weight decay 0.1 with llmkit's default no-decay groups),
// nanoGPT's warmup + cosine schedule and clipping at norm 1.0 in
// packages/testkit/fixtures/training/generate_training.py (PyTorch 2.13, transformers 5.18).
// Tolerance: 1e-4 absolute on every step's loss (the bound); the observed error is printed.
import '@llmkit/backend-cpu';
import '@llmkit/backend-wasm';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@llmkit/core';
import { BERT, GPT } from '@llmkit/layers';
import { CausalLM, MaskedLM, SentenceOrder, combine, type Objective, type Prepared, type TokenBatch } from '@llmkit/objectives';
import { AdamW, CosineSchedule, Trainer, type StepMetrics } from '../src/index.js';

const FIXTURES = fileURLToPath(new URL('../../testkit/fixtures/training/', import.meta.url));
const MODELS = fileURLToPath(new URL('../../testkit/fixtures/models/', import.meta.url));
const LOSS_ATOL = 1e-4;

interface Reference {
  meta: { torch: string; transformers: string };
  steps: number;
  hyper: { maxLr: number; minLr: number; warmupSteps: number; decaySteps: number; betas: [number, number]; eps: number; weightDecay: number; clipNorm: number };
  data: { batchSize: number; length: number; inputIds: number[][]; tokenTypeIds?: number[][]; attentionMask?: number[][]; mlmLabels?: number[][]; sopLabels?: number[][] };
  noDecay: string[];
  lrs: number[];
  losses: number[];
  gradNorms: number[];
}

const load = (name: string) => JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8')) as Reference;

/** BERT's batches arrive already masked: this objective hands them over and scores with MLM + SOP. */
class FixedMaskedBatches implements Objective<Prepared> {
  readonly name = 'fixed';
  private readonly scorer = combine([new SentenceOrder({ clsTokenId: 1, sepTokenId: 2 }), new MaskedLM({ vocabSize: 97, maskTokenId: 3 })]);
  prepare(batch: Prepared): Prepared {
    return batch;
  }
  loss(outputs: object, prepared: Prepared) {
    return this.scorer.loss(outputs, prepared);
  }
  getConfig() {
    return {};
  }
}

async function train<B>(ref: Reference, model: GPT | BERT, objective: Objective<B>, data: B[]) {
  const h = ref.hyper;
  const optimizer = new AdamW(model, { lr: h.maxLr, betas: h.betas, eps: h.eps, weightDecay: h.weightDecay });
  expect(optimizer.parameters.filter((_, i) => optimizer.decays[i] === 0).map(([n]) => n)).toEqual(ref.noDecay);
  const steps: StepMetrics[] = [];
  const trainer = new Trainer({
    model,
    objective,
    data,
    optimizer,
    schedule: new CosineSchedule({ maxLr: h.maxLr, minLr: h.minLr, warmupSteps: h.warmupSteps, decaySteps: h.decaySteps }),
    clipNorm: h.clipNorm,
    maxSteps: ref.steps,
    log: false,
    callbacks: [{ onStep: (m) => void steps.push(m) }],
  });
  await trainer.fit();
  optimizer.dispose();
  model.dispose();
  return steps;
}

function compare(backend: string, name: string, ref: Reference, steps: StepMetrics[]) {
  expect(steps.length).toBe(ref.steps);
  let worst = { step: 0, err: 0, norm: 0 };
  steps.forEach((m, i) => {
    expect(m.lr).toBe(ref.lrs[i]);
    const err = Math.abs(m.loss - ref.losses[i]!);
    const norm = Math.abs(m.gradNorm - ref.gradNorms[i]!) / ref.gradNorms[i]!;
    if (err > worst.err) worst = { ...worst, step: i + 1, err };
    if (norm > worst.norm) worst.norm = norm;
  });
  console.log(`[${backend}] ${name}: 50 steps, loss ${ref.losses[0]!.toFixed(4)} -> ${ref.losses.at(-1)!.toFixed(4)}; max |loss - torch| ${worst.err.toExponential(2)} (step ${worst.step}); max grad-norm rel. error ${worst.norm.toExponential(2)}`);
  steps.forEach((m, i) => expect(Math.abs(m.loss - ref.losses[i]!), `step ${i + 1}: llmkit ${m.loss}, torch ${ref.losses[i]}`).toBeLessThanOrEqual(LOSS_ATOL));
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`training fidelity vs PyTorch on ${backend} (every step's loss within ${LOSS_ATOL})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('gpt2-tiny, causal LM: 50 steps of AdamW + warmup/cosine + clipping', async () => {
      const ref = load('gpt2-tiny');
      const { batchSize: b, length: t } = ref.data;
      const data: TokenBatch[] = ref.data.inputIds.map((ids) => ({ batchSize: b, length: t, inputIds: Int32Array.from(ids) }));
      const steps = await train(ref, await GPT.load(`${MODELS}gpt2-tiny`), new CausalLM(), data);
      compare(backend, 'gpt2-tiny', ref, steps);
    });

    it('bert-tiny, MLM + SOP with fixed masks: 50 steps of AdamW + warmup/cosine + clipping', async () => {
      const ref = load('bert-tiny');
      const { batchSize: b, length: t } = ref.data;
      const d = ref.data;
      const data: Prepared[] = d.inputIds.map((ids, i) => ({
        inputs: {
          inputIds: { shape: [b, t], values: Int32Array.from(ids) },
          tokenTypeIds: { shape: [b, t], values: Int32Array.from(d.tokenTypeIds![i]!) },
          attentionMask: { shape: [b, t], values: Int32Array.from(d.attentionMask![i]!) },
        },
        targets: {
          mlmLabels: { shape: [b, t], values: Int32Array.from(d.mlmLabels![i]!) },
          sopLabels: { shape: [b], values: Int32Array.from(d.sopLabels![i]!) },
        },
      }));
      const steps = await train(ref, await BERT.load(`${MODELS}bert-tiny`), new FixedMaskedBatches(), data);
      compare(backend, 'bert-tiny', ref, steps);
    });
  });
}
