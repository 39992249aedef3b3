// Gradient accumulation of combined objectives: micro-batches weighted by the combination's
// unprefixed `metrics.tokens`, as the Trainer weights them, give one big batch's gradient.
import '@llmkit/backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { Rng, softmaxCrossEntropy, tf, useBackend, type Module } from '@llmkit/core';
import {
  CausalLM,
  MaskedLM,
  SentenceOrder,
  combine,
  computeLoss,
  type HostTensor,
  type Model,
  type Objective,
  type Prepared,
  type SegmentPair,
  type TokenBatch,
} from '../src/index.js';
import { Bigram, TinyEncoder } from './models.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** float32 gradients summed in a different order: |a - b| <= ATOL + RTOL |b|, element-wise. */
const [RTOL, ATOL] = [1e-4, 1e-6];

type Grads = Record<string, Float32Array>;

/** The gradient of `lossOf` (a scalar built from `prepared`) with respect to every parameter. */
function gradients(model: Module, lossOf: () => tf.Scalar): Grads {
  const { value, grads } = tf.variableGrads(lossOf);
  const out = Object.fromEntries(model.namedParameters().map(([name, p]) => [name, grads[p.name]!.dataSync() as Float32Array]));
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/**
 * What `Trainer.step` does with micro-batches (packages/trainer/src/loop/trainer.ts with the default
 * `accumulation: 'tokens'`): weight each micro-batch's gradient by its `metrics.tokens` (1 when
 * absent), then divide by the sum of the weights.
 */
function accumulate(model: Module, forward: Model, objective: Objective<never>, micro: readonly Prepared[]): { grads: Grads; weights: number[] } {
  const sums: Record<string, Float64Array> = {};
  const weights: number[] = [];
  for (const prepared of micro) {
    let weight = 1;
    const grads = gradients(model, () => {
      const result = computeLoss(forward, objective, prepared);
      weight = result.metrics?.tokens ?? 1;
      return result.loss;
    });
    weights.push(weight);
    for (const [name, g] of Object.entries(grads)) {
      const sum = (sums[name] ??= new Float64Array(g.length));
      g.forEach((v, i) => (sum[i]! += weight * v));
    }
  }
  const total = weights.reduce((a, b) => a + b, 0);
  return { grads: Object.fromEntries(Object.entries(sums).map(([k, s]) => [k, Float32Array.from(s, (v) => v / total)])), weights };
}

/** Rows [from, to) of every host tensor (all have the batch first). */
function sliceRows(prepared: Prepared, from: number, to: number): Prepared {
  const slice = (h: HostTensor): HostTensor => {
    const [b, ...rest] = h.shape as [number, ...number[]];
    const per = h.values.length / b;
    return { shape: [to - from, ...rest], values: h.values.slice(from * per, to * per) };
  };
  const map = (r: Readonly<Record<string, HostTensor>>) => Object.fromEntries(Object.entries(r).map(([k, h]) => [k, slice(h)]));
  return { inputs: map(prepared.inputs), targets: map(prepared.targets) };
}

/** The big batch cut into micro-batches of `sizes` rows: the same masks and swaps as the big one. */
function split(prepared: Prepared, sizes: readonly number[]): Prepared[] {
  let at = 0;
  return sizes.map((n) => sliceRows(prepared, at, (at += n)));
}

function expectClose(actual: Grads, expected: Grads): void {
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name]!;
    let worst = 0;
    e.forEach((v, i) => (worst = Math.max(worst, Math.abs(a[i]! - v) - RTOL * Math.abs(v))));
    expect(worst, `gradient of '${name}' beyond atol ${ATOL} + rtol ${RTOL}`).toBeLessThanOrEqual(ATOL);
  }
}

const V = 40;
const [PAD, CLS, SEP, MASK] = [0, 1, 2, 3];

function pairs(seed: number, n: number, length?: number): SegmentPair[] {
  const rng = new Rng(seed).fork('pairs');
  const seg = (k: number) => Array.from({ length: k }, () => 4 + rng.nextInt(V - 4));
  return Array.from({ length: n }, () => {
    const la = length === undefined ? 1 + rng.nextInt(6) : 1 + rng.nextInt(length - 1);
    const lb = length === undefined ? 1 + rng.nextInt(6) : length - la;
    return { a: seg(la), b: seg(lb) };
  });
}

describe("combine's metrics.tokens weights gradient accumulation", () => {
  const sop = new SentenceOrder({ clsTokenId: CLS, sepTokenId: SEP, padTokenId: PAD });

  test('MLM + SOP, every token predicted and rows of one length: micro-batches of 1, 3 and 2 rows give the big batch’s gradient', () => {
    // Every real token is masked, so each row has the same count: MLM's count is proportional to
    // SOP's, and one weight makes both means exact. Unequal micro-batches tell 'tokens' from 'mean'.
    const mlm = new MaskedLM({ vocabSize: V, maskTokenId: MASK, specialTokenIds: [PAD, CLS, SEP, MASK], maskProbability: 1 });
    const objective = combine([sop, mlm], { mlm: 1, sop: 0.7 });
    const model = new TinyEncoder(V, 6, 3);
    const forward: Model = (x) => model.forward(x);
    const big = objective.prepare({ pairs: pairs(1, 6, 7) }, new Rng(5));
    const whole = gradients(model, () => computeLoss(forward, objective, big).loss);
    const { grads, weights } = accumulate(model, forward, objective, split(big, [1, 3, 2]));
    expect(weights).toEqual([7, 21, 14]);
    expectClose(grads, whole);
    model.dispose();
  });

  test('MLM + SOP, 15% masking and ragged rows: the MLM part is exact, SOP is weighted by each micro-batch’s share of masked tokens', () => {
    const mlm = new MaskedLM({ vocabSize: V, maskTokenId: MASK, specialTokenIds: [PAD, CLS, SEP, MASK] });
    const objective = combine([sop, mlm]);
    const model = new TinyEncoder(V, 6, 4);
    const forward: Model = (x) => model.forward(x);
    const big = objective.prepare({ pairs: pairs(2, 24) }, new Rng(9));
    const micro = split(big, [5, 11, 8]);
    const { grads, weights } = accumulate(model, forward, objective, micro);
    const counts = micro.map((p) => p.targets.mlmLabels!.values.filter((l) => l !== -100).length);
    expect(weights).toEqual(counts);
    expect(new Set(counts).size).toBe(3); // the weighting matters: the counts differ
    const total = counts.reduce((a, b) => a + b, 0);
    // ∇ of the big batch's MLM mean + Σ_i (n_i / Σ n) × micro-batch i's SOP mean.
    const expected = gradients(model, () =>
      tf.tidy(() => {
        let loss = computeLoss(forward, mlm, big).loss;
        micro.forEach((p, i) => (loss = tf.add(loss, tf.mul(computeLoss(forward, sop, p).loss, counts[i]! / total))));
        return loss;
      }),
    );
    expectClose(grads, expected);
    model.dispose();
  });

  /** A custom sequence-level objective: predict each row's first token from the logits at its last real position. */
  const firstToken: Objective<TokenBatch> = {
    name: 'first',
    prepare(batch) {
      const t = batch.length!;
      const last = Int32Array.from({ length: batch.batchSize }, (_, r) => {
        let n = t;
        while (n > 1 && batch.attentionMask && batch.attentionMask[r * t + n - 1] === 0) n--;
        return n - 1;
      });
      const labels = Int32Array.from({ length: batch.batchSize }, (_, r) => batch.inputIds[r * t]!);
      return { inputs: {}, targets: { firstLabels: { shape: [batch.batchSize], values: labels }, lastPosition: { shape: [batch.batchSize], values: last } } };
    },
    loss(outputs, prepared) {
      const { logits } = outputs as { logits: tf.Tensor };
      const { firstLabels, lastPosition } = prepared.targets as Record<string, HostTensor>;
      const t = logits.shape[1]!;
      const flat = Int32Array.from(lastPosition!.values, (pos, r) => r * t + pos);
      const loss = tf.tidy(() => {
        const rows = tf.gather(tf.reshape(logits, [-1, logits.shape[2]!]), tf.tensor1d(flat, 'int32'));
        return softmaxCrossEntropy(rows, tf.tensor1d(firstLabels!.values, 'int32')) as tf.Scalar;
      });
      return { loss, metrics: { sequences: firstLabels!.values.length } };
    },
    getConfig: () => ({}),
  };

  /** Rows of `lengths` real tokens, right-padded to the longest. */
  function rows(seed: number, lengths: readonly number[]): TokenBatch {
    const rng = new Rng(seed);
    const t = Math.max(...lengths);
    const inputIds = new Int32Array(lengths.length * t);
    const attentionMask = new Int32Array(lengths.length * t);
    lengths.forEach((n, r) => {
      for (let j = 0; j < n; j++) {
        inputIds[r * t + j] = 1 + rng.nextInt(V - 1);
        attentionMask[r * t + j] = 1;
      }
    });
    return { batchSize: lengths.length, length: t, inputIds, attentionMask };
  }

  test('CLM + a custom sequence-level objective, unpadded rows: micro-batches of 2, 1 and 3 rows give the big batch’s gradient', () => {
    const objective = combine([new CausalLM(), firstToken], { first: 0.5 });
    const model = new Bigram(V, 7);
    const forward: Model = (x) => model.forward(x);
    const big = objective.prepare(rows(3, [6, 6, 6, 6, 6, 6]), new Rng(0));
    const whole = gradients(model, () => computeLoss(forward, objective, big).loss);
    const { grads, weights } = accumulate(model, forward, objective, split(big, [2, 1, 3]));
    expect(weights).toEqual([10, 5, 15]); // T - 1 predicted positions per row
    expectClose(grads, whole);
    model.dispose();
  });

  test('CLM + the custom objective, padded rows: the CLM part equals the big batch’s', () => {
    const clm = new CausalLM();
    const objective = combine([clm, firstToken], { first: 0 });
    const model = new Bigram(V, 8);
    const forward: Model = (x) => model.forward(x);
    const big = objective.prepare(rows(4, [2, 9, 4, 7, 3, 8]), new Rng(0));
    const whole = gradients(model, () => computeLoss(forward, clm, big).loss);
    const { grads, weights } = accumulate(model, forward, objective, split(big, [1, 2, 3]));
    expect(weights).toEqual([1, 8 + 3, 6 + 2 + 7]);
    expectClose(grads, whole);
    model.dispose();
  });

  test('a combination with no token-level part reports no tokens (the Trainer then takes the mean)', () => {
    const model = new TinyEncoder(V);
    const objective = combine([sop]);
    const { loss, metrics } = computeLoss((x) => model.forward(x), objective, objective.prepare({ pairs: pairs(3, 2) }, new Rng(0)));
    expect(metrics).toEqual({ 'sop.sequences': 2 });
    loss.dispose();
    model.dispose();
  });
});
