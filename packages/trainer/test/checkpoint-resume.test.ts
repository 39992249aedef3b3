// Exact resume: 2N steps straight vs N steps, a checkpoint, a new process-like start (fresh model
// with other weights and dropout seeds, fresh data object) resumed from it, N more steps: the loss
// sequences are identical bit for bit, on cpu and wasm. The run has dropout (model RNG streams),
// gradient accumulation, clipping, a cosine schedule and evaluation in between.
import '@llmkit/backend-cpu';
import '@llmkit/backend-wasm';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { CausalLM } from '@llmkit/objectives';
import { AdamW, CosineSchedule, Trainer, readTrainerState, type TrainerOptions } from '../src/index.js';
import { SeededRows, tempDir, tinyGPT } from './trainer-helpers.js';

const N = 4;

function options(model: GPT, data: SeededRows, maxSteps: number, checkpointDir: string, losses: number[]): TrainerOptions {
  return {
    model,
    objective: new CausalLM(),
    data,
    optimizer: new AdamW(model, { lr: 3e-3, betas: [0.9, 0.95], weightDecay: 0.1 }),
    schedule: new CosineSchedule({ maxLr: 3e-3, minLr: 3e-4, warmupSteps: 2, decaySteps: 2 * N }),
    maxSteps,
    gradAccumulation: 2,
    clipNorm: 0.5,
    evalEvery: 3,
    evalData: () => new SeededRows(99, 2, 12, 2),
    checkpointDir,
    checkpointEvery: N,
    seed: 5,
    log: { progress: false },
    callbacks: [{ onStep: (m) => void losses.push(m.loss) }],
  };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`exact resume on ${backend}`, () => {
    const tmp = tempDir(`resume-${backend}`);
    beforeAll(async () => {
      await useBackend(backend);
    });
    afterAll(() => tmp.remove());

    it(`2N = ${2 * N} steps straight equal N, checkpoint, resume, N more: identical losses bit for bit`, async () => {
      const dropout = { residPdrop: 0.1, embdPdrop: 0.1, attnPdrop: 0.1 };
      const straight: number[] = [];
      const a = tinyGPT(dropout);
      const optsA = options(a, new SeededRows(1), 2 * N, join(tmp.dir, 'straight'), straight);
      await new Trainer(optsA).fit();

      const first: number[] = [];
      const b = tinyGPT(dropout);
      const optsB = options(b, new SeededRows(1), N, join(tmp.dir, 'interrupted'), first);
      const fitB = await new Trainer(optsB).fit();
      expect(fitB.step).toBe(N);
      const { state } = await readTrainerState(join(tmp.dir, 'interrupted'));
      expect(state.step).toBe(N);
      expect(state.data).toEqual({ position: 2 * N });
      expect(Object.keys(state.modelRngs).length).toBeGreaterThan(0);

      // Another model: different weights and dropout streams until the checkpoint is loaded.
      const second: number[] = [];
      const c = tinyGPT({ ...dropout, seed: 1234 });
      const optsC = options(c, new SeededRows(1), 2 * N, join(tmp.dir, 'interrupted'), second);
      const resumed = await Trainer.resume(join(tmp.dir, 'interrupted'), optsC);
      expect(resumed.stepCount).toBe(N);
      await resumed.fit();

      expect(straight).toHaveLength(2 * N);
      expect([...first, ...second]).toEqual(straight);
      // And the final weights agree bit for bit.
      const key = 'transformer.h.0.attn.c_attn.weight';
      const wa = a.stateDict().get(key)!.dataSync();
      const wc = c.stateDict().get(key)!.dataSync();
      expect(Buffer.from(wc.buffer).equals(Buffer.from(wa.buffer))).toBe(true);
      for (const o of [optsA, optsB, optsC]) o.optimizer!.dispose();
      for (const m of [a, b, c]) m.dispose();
    });

    it('a checkpoint holds the model (HF layout), optimizer, trainer state and metrics; fit({ resumeFrom }) works too', async () => {
      const root = join(tmp.dir, 'straight');
      const latest = readFileSync(join(root, 'latest'), 'utf8').trim();
      expect(latest).toBe('step-000008');
      for (const f of ['model.safetensors', 'config.json', 'optimizer.safetensors', 'optimizer.json', 'trainer.json']) expect(existsSync(join(root, latest, f))).toBe(true);
      expect(JSON.parse(readFileSync(join(root, latest, 'optimizer.json'), 'utf8'))).toMatchObject({ type: 'AdamW', step: 8 });
      const lines = readFileSync(join(root, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
      expect(lines.filter((l) => l.type === 'step')).toHaveLength(8);
      expect(lines.filter((l) => l.type === 'eval')).toHaveLength(2);
      // The model folder loads on its own, as any HF GPT-2 checkpoint.
      const again = await GPT.load(join(root, latest));
      again.dispose();

      const losses: number[] = [];
      const m = tinyGPT();
      const opts = options(m, new SeededRows(1), 9, root, losses);
      const result = await new Trainer(opts).fit({ resumeFrom: root });
      expect(result.step).toBe(9);
      expect(losses).toHaveLength(1);
      opts.optimizer!.dispose();
      m.dispose();
    });
  });
}
