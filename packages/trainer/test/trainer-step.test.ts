// The loop: no tensor leaks over 200 steps with evaluation and checkpoints (cpu and wasm), the NaN
// guard (typed error, no checkpoint after it), callbacks and early stopping, evaluation metrics.
import '@llmkit/backend-cpu';
import '@llmkit/backend-wasm';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@llmkit/core';
import { CausalLM } from '@llmkit/objectives';
import { AdamW, EarlyStopping, Trainer, TrainingDivergedError, type EvalMetrics } from '../src/index.js';
import { SeededRows, tempDir, tinyGPT } from './trainer-helpers.js';

const tmp = tempDir('trainer');
afterAll(() => tmp.remove());

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`no leaks on ${backend}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });

    it('tf.memory().numTensors is the same after every one of 200 steps, with evaluation and checkpoints in between', async () => {
      const model = tinyGPT({ nEmbd: 8, residPdrop: 0.1 });
      const optimizer = new AdamW(model);
      const counts: number[] = [];
      const trainer = new Trainer({
        model,
        objective: new CausalLM(),
        data: new SeededRows(2, 2, 8),
        optimizer,
        maxSteps: 200,
        clipNorm: 1,
        gradAccumulation: 1,
        evalEvery: 50,
        evalData: () => new SeededRows(3, 2, 8, 2),
        checkpointDir: join(tmp.dir, `leaks-${backend}`),
        checkpointEvery: 100,
        log: false,
        callbacks: [{ onStep: () => void counts.push(tf.memory().numTensors) }],
      });
      const before = tf.memory().numTensors;
      await trainer.fit();
      expect(counts).toHaveLength(200);
      expect(new Set(counts)).toEqual(new Set([before]));
      expect(tf.memory().numTensors).toBe(before);
      optimizer.dispose();
      model.dispose();
    });
  });
}

describe('the loop on cpu', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('NaN guard: a NaN loss at step 3 throws TrainingDivergedError naming the step and value; no checkpoint after it', async () => {
    const model = tinyGPT();
    const optimizer = new AdamW(model);
    const dir = join(tmp.dir, 'nan');
    const trainer = new Trainer({
      model,
      objective: new CausalLM(),
      data: new SeededRows(4),
      optimizer,
      maxSteps: 10,
      checkpointDir: dir,
      checkpointEvery: 1,
      log: false,
      // Poison a weight after step 2: step 3's forward pass gives NaN.
      callbacks: [{ onStep: (m) => void (m.step === 2 && model.transformer.wpe.weight.assign(tf.fill(model.transformer.wpe.weight.shape, NaN))) }],
    });
    const error = await trainer.fit().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(TrainingDivergedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ step: 3, value: 'loss' });
    expect((error as Error).message).toMatch(/training diverged at step 3: loss is NaN/);
    expect(readFileSync(join(dir, 'latest'), 'utf8').trim()).toBe('step-000002');
    expect(readdirSync(dir).filter((f) => f.startsWith('step-')).sort()).toEqual(['step-000001', 'step-000002']);
    expect(trainer.stepCount).toBe(2);
    // The failed step freed its gradients.
    const count = tf.memory().numTensors;
    await expect(trainer.step(new SeededRows(4).batch(0))).rejects.toThrow(TrainingDivergedError);
    expect(tf.memory().numTensors).toBe(count);
    optimizer.dispose();
    model.dispose();
  });

  it('evaluation reports loss and perplexity = exp(loss), leaves training state alone; early stopping stops fit', async () => {
    const model = tinyGPT();
    const optimizer = new AdamW(model, { lr: 1e-2 });
    const evals: EvalMetrics[] = [];
    const order: string[] = [];
    const trainer = new Trainer({
      model,
      objective: new CausalLM(),
      data: new SeededRows(5),
      optimizer,
      maxSteps: 100,
      evalEvery: 2,
      evalData: () => new SeededRows(6, 4, 12, 3),
      log: { file: join(tmp.dir, 'early', 'metrics.jsonl'), progress: false },
      callbacks: [
        { onTrainBegin: () => void order.push('begin'), onEval: (m) => void evals.push(m), onTrainEnd: (s) => void order.push(`end:${s.reason}`) },
        // minDelta larger than any improvement: the second evaluation counts as no progress.
        new EarlyStopping({ patience: 1, minDelta: 1e9 }),
      ],
    });
    const result = await trainer.fit();
    expect(result).toMatchObject({ step: 4, reason: 'stopped' });
    expect(result.message).toMatch(/early stopping/);
    expect(order).toEqual(['begin', 'end:stopped']);
    expect(evals.map((e) => e.step)).toEqual([2, 4]);
    for (const e of evals) {
      expect(e.batches).toBe(3);
      expect(e.perplexity).toBeCloseTo(Math.exp(e.loss), 10);
    }
    // Evaluating again gives the same numbers: fixed eval masks, no state change.
    const again = await trainer.evaluate();
    expect(again.loss).toBe(evals[1]!.loss);
    const lines = readFileSync(join(tmp.dir, 'early', 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['step', 'step', 'eval', 'step', 'step', 'eval']);
    optimizer.dispose();
    model.dispose();
  });

  it('fit ends when the data does, dropping an incomplete accumulation group', async () => {
    const model = tinyGPT();
    const optimizer = new AdamW(model);
    const trainer = new Trainer({ model, objective: new CausalLM(), data: new SeededRows(7, 4, 12, 5), optimizer, gradAccumulation: 2, log: false });
    const result = await trainer.fit();
    expect(result).toMatchObject({ step: 2, reason: 'data exhausted' });
    expect(trainer.tokensSeen).toBe(4 * 4 * 12);
    expect(existsSync(join(tmp.dir, 'none'))).toBe(false);
    optimizer.dispose();
    model.dispose();
  });

  it('bad options are ConfigErrors naming the key', () => {
    const model = tinyGPT();
    expect(() => new Trainer({ model, objective: new CausalLM(), gradAccumulation: 0 })).toThrow(/'gradAccumulation' must be an integer >= 1, got 0/);
    expect(() => new Trainer({ model, objective: new CausalLM(), clipNorm: -1 })).toThrow(/'clipNorm' must be a number > 0, got -1/);
    expect(() => new Trainer({ model, objective: new CausalLM(), evalEvery: 5 })).toThrow(/'evalEvery' is set but 'evalData' is not/);
    model.dispose();
  });
});
