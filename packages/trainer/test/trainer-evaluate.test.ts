// Evaluation sees the same batches every time: a validation pipeline is stateful, so each
// evaluation rewinds it; an empty or non-finite evaluation is a typed error naming the source.
import '@llmkit/backend-cpu';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, tf, useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { CausalLM } from '@llmkit/objectives';
import { CharTrainer, charLevel } from '@llmkit/tokenizer';
import { DataError, Trainer, TrainingDivergedError, packedBlocks, textFiles, trainValidation, type EvalMetrics } from '../src/index.js';
import { makeText } from './data-helpers.js';
import { SeededRows, tempDir, tinyGPT } from './trainer-helpers.js';

const tmp = tempDir('evaluate');
afterAll(() => tmp.remove());

/** A char tokenizer, a GPT over its vocabulary and the train/validation pipelines of one small corpus. */
async function corpus(validationOptions?: { shuffleBuffer: number; epochs: number; dropLast: boolean }) {
  const path = join(tmp.dir, 'corpus.txt');
  const text = makeText(11, 300);
  await writeFile(path, text);
  const tokenizer = charLevel();
  await tokenizer.train([text], new CharTrainer());
  const split = trainValidation(
    packedBlocks,
    { source: textFiles(path), tokenizer, blockSize: 9, batchSize: 2, shuffleBuffer: 16, seed: 1, epochs: Infinity },
    { fraction: 0.1, by: 'block' },
    ...(validationOptions ? [validationOptions] : []),
  );
  const model = new GPT({ vocabSize: tokenizer.getVocabSize(), nPositions: 9, nEmbd: 16, nLayer: 1, nHead: 2, residPdrop: 0, embdPdrop: 0, attnPdrop: 0, seed: 2 });
  return { ...split, model };
}

const numbers = (m: EvalMetrics) => ({ loss: m.loss, batches: m.batches });

describe('evaluation', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  for (const [name, options] of [
    ['trainValidation defaults (one pass, corpus order)', undefined],
    ["the demo's validation (shuffled, one epoch, last batch dropped)", { shuffleBuffer: 512, epochs: 1, dropLast: true }],
  ] as const) {
    it(`N evaluations with no training between give identical results: ${name}`, async () => {
      const { train, validation, model } = await corpus(options);
      const trainer = new Trainer({ model, objective: new CausalLM(), data: train, evalData: validation, evalBatches: 3, log: false });
      const runs: EvalMetrics[] = [];
      for (let i = 0; i < 6; i++) runs.push(await trainer.evaluate());
      expect(runs[0]!.batches).toBe(3);
      expect(Number.isFinite(runs[0]!.loss)).toBe(true);
      for (const r of runs) expect(numbers(r)).toEqual(numbers(runs[0]!));
      // Training in between changes the model, not the batches: two evaluations after it agree too.
      await trainer.step((await train[Symbol.asyncIterator]().next()).value!);
      const [a, b] = [await trainer.evaluate(), await trainer.evaluate()];
      expect(numbers(a)).toEqual(numbers(b));
      expect(a.loss).not.toBe(runs[0]!.loss);
      model.dispose();
    });
  }

  it('every evaluation of fit reads the whole validation part: the batch count never drops', async () => {
    const { train, validation, model } = await corpus();
    const evals: EvalMetrics[] = [];
    const trainer = new Trainer({ model, objective: new CausalLM(), data: train, maxSteps: 6, evalEvery: 1, evalData: validation, log: false, callbacks: [{ onEval: (m) => void evals.push(m) }] });
    await trainer.fit();
    expect(evals).toHaveLength(6);
    expect(new Set(evals.map((e) => e.batches)).size).toBe(1);
    expect(evals[0]!.batches).toBeGreaterThan(1);
    model.dispose();
  });

  it('an empty evaluation is a DataError naming the source, not NaN', async () => {
    const model = tinyGPT();
    const trainer = new Trainer({ model, objective: new CausalLM(), evalData: [], log: false });
    const error = await trainer.evaluate().catch((e: unknown) => e);
    expect(DataError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('evaluate: an array of 0 batches gave no batches; expected at least one (is the validation part empty?)');
    model.dispose();
  });

  it('a non-finite evaluation loss is a TrainingDivergedError (eval loss) naming the source', async () => {
    const { train, validation, model } = await corpus();
    const trainer = new Trainer({ model, objective: new CausalLM(), data: train, evalData: validation, log: false });
    model.transformer.wpe.weight.assign(tf.fill(model.transformer.wpe.weight.shape, NaN));
    const before = tf.memory().numTensors;
    const error = await trainer.evaluate().catch((e: unknown) => e);
    expect(TrainingDivergedError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ value: 'eval loss', step: 0 });
    expect((error as Error).message).toMatch(/^evaluation after step 0 diverged: the loss on packedBlocks \(validation\): text \(document\): ".*corpus\.txt" is NaN; expected a finite number$/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('evaluation data that cannot be reread is rejected when the Trainer is built', () => {
    const model = tinyGPT();
    const data = new SeededRows(1);
    const once = (async function* () {
      yield data.batch(0);
    })();
    const error = (() => {
      try {
        return new Trainer({ model, objective: new CausalLM(), evalData: once });
      } catch (e) {
        return e;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^Trainer: 'evalData': a generator can be read once, but every evaluation reads the batches again/);
    expect(() => new Trainer({ model, objective: new CausalLM(), data, evalData: data })).toThrow(/'evalData' is the training 'data' itself/);
    model.dispose();
  });
});
