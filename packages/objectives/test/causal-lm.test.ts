// CausalLM: shifted labels, padding ignored on either side, and the loss against -log p computed by
// hand from a bigram model's weights.
import '@llmkit/backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { ConfigError, Rng, ShapeError, tf, useBackend } from '@llmkit/core';
import { CausalLM, IGNORE_INDEX, computeLoss, type TokenBatch } from '../src/index.js';
import { Bigram, nll } from './models.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const _ = IGNORE_INDEX;

/** Rows padded to one length on the given side with `pad`. */
function padRows(rows: number[][], side: 'right' | 'left', pad: number, length = Math.max(...rows.map((r) => r.length))): TokenBatch {
  const inputIds = new Int32Array(rows.length * length).fill(pad);
  const attentionMask = new Uint8Array(rows.length * length);
  rows.forEach((row, b) => {
    const at = b * length + (side === 'left' ? length - row.length : 0);
    inputIds.set(row, at);
    attentionMask.fill(1, at, at + row.length);
  });
  return { batchSize: rows.length, length, inputIds, attentionMask };
}

/** Mean over rows and positions of -log softmax(W[x_t])[x_{t+1}], in float64. */
function handLoss(weight: Float32Array, v: number, rows: number[][]): number {
  let sum = 0;
  let count = 0;
  for (const row of rows) {
    for (let t = 0; t + 1 < row.length; t++) {
      sum += nll(weight.subarray(row[t]! * v, (row[t]! + 1) * v), row[t + 1]!);
      count++;
    }
  }
  return sum / count;
}

describe('CausalLM.prepare', () => {
  test('labels are the inputs shifted left by one, -100 at the end and wherever input or target is padding', () => {
    const clm = new CausalLM();
    const right = clm.prepare(padRows([[5, 6, 7, 8], [9, 4]], 'right', 0));
    expect(Array.from(right.targets.labels!.values)).toEqual([6, 7, 8, _, 4, _, _, _]);
    expect(right.inputs.inputIds!.values).toEqual(Int32Array.from([5, 6, 7, 8, 9, 4, 0, 0]));
    expect(right.inputs.attentionMask!.values).toEqual(Int32Array.from([1, 1, 1, 1, 1, 1, 0, 0]));
    const left = clm.prepare(padRows([[5, 6, 7, 8], [9, 4]], 'left', 0));
    expect(Array.from(left.targets.labels!.values)).toEqual([6, 7, 8, _, _, _, 4, _]);
    const unmasked = clm.prepare({ batchSize: 1, length: 3, inputIds: [1, 2, 3] });
    expect(Array.from(unmasked.targets.labels!.values)).toEqual([2, 3, _]);
    expect(unmasked.inputs.attentionMask!.values).toEqual(Int32Array.from([1, 1, 1]));
  });
});

describe('CausalLM.loss', () => {
  test('equals the mean of -log p(next token) computed by hand (tiny example, 1e-5)', () => {
    const v = 5;
    const model = new Bigram(v, 3);
    const clm = new CausalLM();
    const rows = [[1, 3, 2, 4]];
    const { loss, metrics } = computeLoss((x) => model.forward(x), clm, clm.prepare(padRows(rows, 'right', 0)));
    const weight = model.weight.dataSync() as Float32Array;
    // -log softmax(W[1])[3], -log softmax(W[3])[2], -log softmax(W[2])[4], averaged.
    expect(loss.dataSync()[0]).toBeCloseTo(handLoss(weight, v, rows), 5);
    expect(metrics).toEqual({ tokens: 3 });
    loss.dispose();
    model.dispose();
  });

  test('padding is ignored: any pad id, either side, gives the hand loss of the unpadded rows', () => {
    const v = 11;
    const model = new Bigram(v, 5);
    const weight = model.weight.dataSync() as Float32Array;
    const clm = new CausalLM();
    const row = fc.array(fc.integer({ min: 0, max: v - 1 }), { minLength: 2, maxLength: 9 });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 5 }), fc.constantFrom<'left' | 'right'>('left', 'right'), fc.integer({ min: 0, max: v - 1 }), fc.integer({ min: 0, max: 3 }), (rows, side, pad, extra) => {
        const length = Math.max(...rows.map((r) => r.length)) + extra;
        const { loss, metrics } = computeLoss((x) => model.forward(x), clm, clm.prepare(padRows(rows, side, pad, length)));
        expect(loss.dataSync()[0]).toBeCloseTo(handLoss(weight, v, rows), 5);
        expect(metrics!.tokens).toBe(rows.reduce((n, r) => n + r.length - 1, 0));
        loss.dispose();
      }),
      { numRuns: 40 },
    );
    model.dispose();
  });

  test('gradients flow to the model and repeated steps leak no tensors', () => {
    const model = new Bigram(7, 1);
    const clm = new CausalLM();
    const prepared = clm.prepare(padRows([[1, 2, 3, 4], [5, 6]], 'right', 0));
    const step = () => {
      const { value, grads } = tf.variableGrads(() => computeLoss((x) => model.forward(x), clm, prepared).loss);
      const g = grads[model.weight.name]!.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
      return g;
    };
    const g = step();
    expect(g.some((x) => x !== 0) && g.every(Number.isFinite)).toBe(true);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  test('errors name the output, expected and got', () => {
    const clm = new CausalLM({ logitsKey: 'lmLogits' });
    const prepared = clm.prepare(padRows([[1, 2, 3]], 'right', 0));
    const logits = tf.zeros([1, 3, 2]);
    expect(() => clm.loss({ logits }, prepared)).toThrow(ConfigError);
    expect(() => clm.loss({ logits }, prepared)).toThrow(/outputs\.lmLogits must be a tf\.Tensor \[1, 3, V\], got undefined \(the outputs have keys: logits\)/);
    expect(() => clm.loss({ lmLogits: logits }, prepared)).toThrow(ShapeError);
    expect(() => clm.loss({ lmLogits: logits }, prepared)).toThrow(/V >= 4 \(the largest label \+ 1\), got \[1, 3, 2\]/);
    expect(() => clm.loss({ lmLogits: logits }, { inputs: {}, targets: {} })).toThrow(/'prepared.targets.labels'/);
    expect(() => clm.prepare({ batchSize: 2, length: 3, inputIds: [1, 2, 3] })).toThrow(/2 × 3 = 6 values, got 3/);
    logits.dispose();
  });

  test('getConfig round-trips', () => {
    const clm = new CausalLM({ name: 'lm', logitsKey: 'out' });
    expect(clm.getConfig()).toEqual({ name: 'lm', logitsKey: 'out' });
    expect(new CausalLM(clm.getConfig()).getConfig()).toEqual(clm.getConfig());
  });
});
