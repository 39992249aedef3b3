// combine: prepare in order (MaskedLM masks the rows SentenceOrder built), the total is the weighted
// sum of the parts, gradients reach every parameter, and repeated steps leak no tensors.
import '@llmkit/backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { ConfigError, Rng, softmaxCrossEntropy, tf, useBackend } from '@llmkit/core';
import { IGNORE_INDEX, MaskedLM, NextSentence, SentenceOrder, combine, computeLoss, type Objective, type SegmentPair, type TokenBatch } from '../src/index.js';
import { TinyEncoder } from './models.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const V = 64;
const [PAD, CLS, SEP, MASK] = [0, 1, 2, 3];
const SPECIALS = [PAD, CLS, SEP, MASK];

function samplePairs(seed: number, n: number): SegmentPair[] {
  const rng = new Rng(seed).fork('pairs');
  const seg = () => Array.from({ length: 1 + rng.nextInt(10) }, () => 4 + rng.nextInt(V - 4));
  return Array.from({ length: n }, (_, k) => ({ a: seg(), b: seg(), document: k }));
}

const sop = new SentenceOrder({ clsTokenId: CLS, sepTokenId: SEP, padTokenId: PAD });
const mlm = new MaskedLM({ vocabSize: V, maskTokenId: MASK, specialTokenIds: SPECIALS, maskProbability: 0.3 });

describe('combine', () => {
  test('prepare: SentenceOrder builds the rows, then MaskedLM masks them and never [CLS], [SEP] or padding', () => {
    const both = combine([sop, mlm], { mlm: 1, sop: 1 });
    expect(both.name).toBe('sop+mlm');
    const prepared = both.prepare({ pairs: samplePairs(1, 16) }, new Rng(3));
    expect(Object.keys(prepared.targets).sort()).toEqual(['mlmLabels', 'sopLabels']);
    // The same draws, in the same order, as the two objectives called by hand on one Rng.
    const rng = new Rng(3);
    const rows = sop.prepare({ pairs: samplePairs(1, 16) }, rng);
    const masked = mlm.prepare(
      { batchSize: 16, length: rows.inputs.inputIds!.shape[1]!, inputIds: rows.inputs.inputIds!.values, attentionMask: rows.inputs.attentionMask!.values, tokenTypeIds: rows.inputs.tokenTypeIds!.values, specialTokensMask: rows.specialTokensMask },
      rng,
    );
    expect(prepared.inputs).toEqual(masked.inputs);
    expect(prepared.targets.sopLabels).toEqual(rows.targets.sopLabels);
    const ids = rows.inputs.inputIds!.values;
    let chosen = 0;
    prepared.targets.mlmLabels!.values.forEach((label, i) => {
      if ([CLS, SEP, PAD].includes(ids[i]!) || rows.inputs.attentionMask!.values[i] === 0) expect(label).toBe(IGNORE_INDEX);
      if (label !== IGNORE_INDEX) chosen++;
    });
    expect(chosen).toBeGreaterThan(0);
    expect(prepared.inputs.tokenTypeIds).toEqual(rows.inputs.tokenTypeIds);
  });

  test('loss: the total equals the weighted sum of the parts, and each part equals its objective alone', () => {
    const model = new TinyEncoder(V);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 3, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }), fc.integer({ min: 0, max: 1000 }), (wm, ws, seed) => {
        const both = combine([sop, mlm], { mlm: wm, sop: ws });
        const prepared = both.prepare({ pairs: samplePairs(seed, 6) }, new Rng(seed));
        const { loss, parts, metrics } = computeLoss((x) => model.forward(x), both, prepared);
        const [total, m, s] = [loss, parts!.mlm!, parts!.sop!].map((t) => t.dataSync()[0]!) as [number, number, number];
        expect(total).toBeCloseTo(wm * m + ws * s, 5);
        const alone = computeLoss((x) => model.forward(x), mlm, prepared);
        expect(alone.loss.dataSync()[0]).toBe(m);
        expect(metrics).toEqual({ 'mlm.tokens': alone.metrics!.tokens, 'sop.sequences': 6, tokens: alone.metrics!.tokens });
        tf.dispose([loss, ...Object.values(parts!), alone.loss]);
      }),
      { numRuns: 25 },
    );
    model.dispose();
  });

  test('gradients flow to every parameter (tf.variableGrads), and repeated steps leave tf.memory().numTensors unchanged', () => {
    const model = new TinyEncoder(V);
    const both = combine([new NextSentence({ clsTokenId: CLS, sepTokenId: SEP }), mlm], { mlm: 1, nsp: 0.5 });
    const rng = new Rng(0);
    const step = () => {
      const prepared = both.prepare({ pairs: samplePairs(2, 8) }, rng);
      let logged: Record<string, number> = {};
      const { value, grads } = tf.variableGrads(() => {
        const { loss, parts } = computeLoss((x) => model.forward(x), both, prepared);
        // Inside variableGrads the forward pass is tidied: read (or tf.keep) the parts here.
        logged = Object.fromEntries(Object.entries(parts!).map(([k, t]) => [k, t.dataSync()[0]!]));
        return loss;
      });
      const norms = Object.fromEntries(model.namedParameters().map(([name, p]) => [name, tf.tidy(() => tf.norm(grads[p.name]!).dataSync()[0]!)]));
      tf.dispose([value, ...Object.values(grads)]);
      return { norms, logged };
    };
    const { norms, logged } = step();
    for (const [name, norm] of Object.entries(norms)) expect(norm, name).toBeGreaterThan(0);
    expect(Object.keys(norms).sort()).toEqual(['head', 'sentence', 'tokens', 'types']);
    expect(Object.keys(logged).sort()).toEqual(['mlm', 'nsp']);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  test('a loss called outside any tidy returns only new tensors: disposing them restores numTensors', () => {
    const model = new TinyEncoder(V);
    const both = combine([sop, mlm]);
    const prepared = both.prepare({ pairs: samplePairs(4, 4) }, new Rng(1));
    const logits = tf.tidy(() => model.forward(tf.tidy(() => ({ inputIds: tf.tensor(prepared.inputs.inputIds!.values, [4, prepared.inputs.inputIds!.shape[1]!], 'int32'), attentionMask: tf.tensor(prepared.inputs.attentionMask!.values, [...prepared.inputs.attentionMask!.shape], 'int32'), tokenTypeIds: tf.tensor(prepared.inputs.tokenTypeIds!.values, [...prepared.inputs.tokenTypeIds!.shape], 'int32') }))));
    const before = tf.memory().numTensors;
    const { loss, parts } = both.loss(logits, prepared);
    expect(tf.memory().numTensors).toBe(before + 3);
    tf.dispose([loss, ...Object.values(parts!)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(logits));
    model.dispose();
  });

  test('a custom objective after the built-ins rewrites nothing and adds its own target and loss', () => {
    // Predict whether a row has any padding, from the sentence head: a made-up objective.
    const padded: Objective<TokenBatch> = {
      name: 'padded',
      prepare(batch) {
        const t = batch.length!;
        const labels = Int32Array.from({ length: batch.batchSize }, (_, r) => (Array.from({ length: t }, (_, j) => batch.attentionMask![r * t + j]).includes(0) ? 1 : 0));
        return { inputs: {}, targets: { paddedLabels: { shape: [batch.batchSize], values: labels } } };
      },
      loss(outputs, prepared) {
        const { seqRelationshipLogits } = outputs as { seqRelationshipLogits: tf.Tensor };
        const labels = prepared.targets.paddedLabels!;
        return { loss: tf.tidy(() => softmaxCrossEntropy(seqRelationshipLogits, tf.tensor1d(labels.values, 'int32')) as tf.Scalar) };
      },
      getConfig: () => ({}),
    };
    const withPad = combine([sop, mlm, padded], { padded: 2 });
    expect(withPad.weights).toEqual({ sop: 1, mlm: 1, padded: 2 });
    const model = new TinyEncoder(V);
    const prepared = withPad.prepare({ pairs: samplePairs(5, 4) }, new Rng(0));
    expect(prepared.targets.paddedLabels!.values.some((l) => l === 1)).toBe(true);
    const { loss, parts } = computeLoss((x) => model.forward(x), withPad, prepared);
    const [total, s, m, p] = [loss, parts!.sop!, parts!.mlm!, parts!.padded!].map((t) => t.dataSync()[0]!) as [number, number, number, number];
    expect(total).toBeCloseTo(s + m + 2 * p, 5);
    tf.dispose([loss, ...Object.values(parts!)]);
    model.dispose();
  });

  test('validation names the field, expected and got', () => {
    expect(() => combine([mlm, mlm])).toThrow(/'mlm' appears twice in \[mlm, mlm\]/);
    expect(() => combine([sop, mlm], { mlm: 1, nsp: 1 })).toThrow(/'weights' names 'nsp', but the objectives are \[sop, mlm\]/);
    expect(() => combine([sop, mlm], { mlm: -1 })).toThrow(/'weights.mlm' must be a finite number >= 0, got -1/);
    expect(() => combine([] as never)).toThrow(ConfigError);
    const twice = combine([sop, new MaskedLM({ vocabSize: V, maskTokenId: MASK, name: 'mlm2' }), mlm]);
    expect(() => twice.prepare({ pairs: samplePairs(0, 2) }, new Rng(0))).toThrow(/'mlm2' and 'mlm' both produce target 'mlmLabels'/);
  });

  test('getConfig lists each objective with its class and config, and the weights', () => {
    const config = combine([sop, mlm], { sop: 0.5 }).getConfig();
    expect(config.weights).toEqual({ sop: 0.5, mlm: 1 });
    expect(config.objectives.map((o) => o.type)).toEqual(['SentenceOrder', 'MaskedLM']);
    expect(config.objectives[0]!.config).toMatchObject({ clsTokenId: CLS, sepTokenId: SEP, swapProbability: 0.5 });
  });
});
