// The runner: evaluate() gathers each task's numbers under `<task>/<metric>`, equal to calling the
// metric functions directly on the same outputs; the trainer callback runs it every N steps. The
// model is the gpt2-tiny checkpoint with a char-level codec (printable ASCII -> ids 0..94).
import '@llmkit/backend-cpu';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@llmkit/core';
import { GPT, GPTModel, SequenceClassifier } from '@llmkit/layers';
import type { Callback } from '@llmkit/trainer';
import { accuracy, classificationTask, corpusBleu, corpusChrf, evaluate, evaluationCallback, f1, generate, generationTask, matthewsCorrcoef, perplexity, perplexityTask, tokenClassificationTask, entityScores, type TextCodec } from '../src/index.js';
import { MODELS_DIR } from './fixtures.js';

const chars: TextCodec = {
  encodeIds: (t) => Array.from(t, (c) => Math.min(Math.max(c.charCodeAt(0) - 32, 0), 94)),
  decode: (ids) => String.fromCharCode(...Array.from(ids, (i) => i + 32)),
};

describe('evaluate', () => {
  let gpt: GPT;
  beforeAll(async () => {
    await useBackend('cpu');
    gpt = await GPT.load(`${MODELS_DIR}gpt2-tiny`);
  });
  afterAll(() => gpt?.dispose());

  const data = [
    { text: 'the cat', prompt: 'the c', reference: 'the cat sat' },
    { text: 'sat on', prompt: 'sat o', reference: ['sat on it', 'sat on the mat'] },
  ];

  it('perplexity and generation tasks equal the functions they wrap; the JSON file holds the result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmkit-eval-'));
    const before = tf.memory().numTensors;
    const result = await evaluate({
      model: gpt,
      tokenizer: chars,
      data,
      metrics: [perplexityTask({ maxLength: 16 }), generationTask({ maxNewTokens: 6, eosTokenId: null })],
      outFile: join(dir, 'eval.json'),
    });
    expect(tf.memory().numTensors).toBe(before);
    const stream = [...Array.from(chars.encodeIds('the cat')), 96, ...Array.from(chars.encodeIds('sat on'))];
    const ppl = await perplexity(gpt, stream, { maxLength: 16 });
    expect(result.metrics['perplexity/perplexity']).toBeCloseTo(ppl.perplexity, 9);
    expect(result.metrics['perplexity/bitsPerCharacter']).toBeCloseTo(ppl.totalNll / Math.LN2 / 'the catsat on'.length, 9);
    const hyps = (await generate(gpt, ['the c', 'sat o'], { maxNewTokens: 6, eosTokenId: null, tokenizer: chars })).text!;
    expect(result.metrics['generation/bleu']).toBeCloseTo(corpusBleu(hyps, data.map((d) => d.reference)).score, 9);
    expect(result.metrics['generation/chrf']).toBeCloseTo(corpusChrf(hyps, data.map((d) => d.reference)), 9);
    expect(Object.keys(result.metrics)).toEqual(expect.arrayContaining(['generation/rouge1', 'generation/rougeLsum', 'generation/exactMatch']));
    expect(JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(result)));
  });

  it('classification from a SequenceClassifier: argmax of its logits, labels mapped; metrics equal accuracy/F1/MCC', async () => {
    const clf = new SequenceClassifier(new GPTModel({ vocabSize: 97, nPositions: 16, nEmbd: 12, nLayer: 1, nHead: 2, seed: 3 }), { numLabels: 3 });
    const examples = ['good', 'bad', 'fine day', 'meh', 'great', 'awful one'].map((text, i) => ({ text, label: ['neg', 'neu', 'pos'][i % 3]! }));
    const labels = ['neg', 'neu', 'pos'];
    const r = await evaluate({ model: clf, tokenizer: chars, data: examples, metrics: [classificationTask({ labels, batchSize: 4 })] });
    const preds = tf.tidy(() => {
      const rows = examples.map((e) => chars.encodeIds(e.text) as number[]);
      const t = Math.max(...rows.map((x) => x.length));
      const ids = tf.tensor2d(rows.map((x) => [...x, ...new Array<number>(t - x.length).fill(0)]), undefined, 'int32');
      const mask = tf.tensor2d(rows.map((x) => [...new Array<number>(x.length).fill(1), ...new Array<number>(t - x.length).fill(0)]), undefined, 'int32');
      clf.eval();
      return Array.from(tf.argMax(clf.forward({ inputIds: ids, attentionMask: mask }).logits, -1).dataSync()).map((k) => labels[k]!);
    });
    const truth = examples.map((e) => e.label);
    expect(r.metrics['classification/accuracy']).toBe(accuracy(truth, preds));
    expect(r.metrics['classification/f1Macro']).toBeCloseTo(f1(truth, preds, { average: 'macro' }), 12);
    expect(r.metrics['classification/mcc']).toBeCloseTo(matthewsCorrcoef(truth, preds), 12);
    clf.dispose();
  });

  it('classification and tagging from predict functions', async () => {
    const ex = [{ label: 1 }, { label: 0 }, { label: 1 }, { label: 1 }];
    const r = await evaluate({ model: null, tokenizer: null, data: ex, metrics: [classificationTask({ predict: (b) => b.map(() => 1) })] });
    expect(r.metrics['classification/accuracy']).toBe(0.75);
    const tags = [{ tags: ['B-PER', 'I-PER', 'O'] }, { tags: ['O', 'B-LOC'] }];
    const pred = [['B-PER', 'O', 'O'], ['O', 'B-LOC']];
    const t = await evaluate({ model: null, tokenizer: null, data: tags, metrics: [tokenClassificationTask({ predict: (b) => b.map((e) => pred[tags.indexOf(e as never)]!) })] });
    expect(t.metrics['entities/f1']).toBe(entityScores(tags.map((x) => x.tags), pred).f1);
  });

  it('bad input is a ConfigError naming the field', async () => {
    await expect(evaluate({ model: gpt, tokenizer: chars, data: [], metrics: [perplexityTask()] })).rejects.toThrow(/'data' must be a non-empty array/);
    await expect(evaluate({ model: gpt, tokenizer: chars, data: [{ txt: 'x' } as never], metrics: [perplexityTask()] })).rejects.toThrow(/perplexity: 'data\[0\].text' must be a string; got nothing/);
    await expect(evaluate({ model: gpt, tokenizer: chars, data, metrics: [perplexityTask(), perplexityTask()] })).rejects.toThrow(/two tasks are named 'perplexity'/);
    expect(() => generationTask({ metrics: ['meteor' as never] })).toThrow(/unknown metric 'meteor'/);
  });
});

describe('evaluationCallback', () => {
  it("runs every N steps and at the end, logs, keeps its history through getState/setState; it is a trainer Callback", async () => {
    let runs = 0;
    const logged: number[] = [];
    const cb = evaluationCallback({ every: 3, run: async () => ({ metrics: { x: ++runs }, examples: 1, seconds: {} }), log: (step) => logged.push(step) });
    const asTrainerCallback: Callback = cb; // compile-time check against @llmkit/trainer's interface
    for (let step = 1; step <= 7; step++) await asTrainerCallback.onStep!({ step, loss: 0, lr: 0, gradNorm: 0, tokens: 0, seconds: 0 }, { stepCount: step, stop: () => {} });
    await asTrainerCallback.onTrainEnd!({ step: 7, reason: 'max steps' }, { stepCount: 7, stop: () => {} });
    expect(logged).toEqual([3, 6, 7]);
    expect(cb.history.map((h) => h.result.metrics.x)).toEqual([1, 2, 3]);
    const again = evaluationCallback({ every: 3, run: async () => ({ metrics: {}, examples: 0, seconds: {} }), log: () => {} });
    again.setState(cb.getState());
    expect(again.history.map((h) => h.step)).toEqual([3, 6, 7]);
    expect(() => evaluationCallback({ every: 0, run: async () => ({ metrics: {}, examples: 0, seconds: {} }) })).toThrow(/'every' must be a positive integer; got 0/);
  });
});
