// The README's custom objective (examples/classification.ts, included in the README verbatim) works.
import '@llmkit/backend-cpu';
import { beforeAll, expect, test } from 'vitest';
import { Rng, tf, useBackend } from '@llmkit/core';
import { MaskedLM, combine, computeLoss, type TokenBatch } from '../src/index.js';
// The example imports '@llmkit/objectives', this package's dist: build it first.
import { Classification } from '../examples/classification.js';
import { nll } from './models.js';

beforeAll(async () => {
  await useBackend('cpu');
});

test('the custom Classification objective: -log p of each row’s class, and it combines before MaskedLM', () => {
  const tokens: TokenBatch = { batchSize: 2, length: 3, inputIds: [5, 6, 7, 8, 9, 0], attentionMask: [1, 1, 1, 1, 1, 0] };
  const objective = new Classification();
  const prepared = objective.prepare({ tokens, labels: [2, 0] });
  const weights = tf.variable(tf.tensor2d([[0.1, -0.3, 0.7], [1.2, 0.4, -0.5]]));
  // A "model" that ignores its inputs: row r's class logits are weights[r].
  const model = () => ({ classLogits: tf.add(weights, 0) });
  const { loss } = computeLoss(model, objective, prepared);
  const w = weights.arraySync();
  expect(loss.dataSync()[0]).toBeCloseTo((nll(w[0]!, 2) + nll(w[1]!, 0)) / 2, 5);
  loss.dispose();

  // First in combine, it builds the rows that a MaskedLM after it masks.
  const both = combine([objective, new MaskedLM({ vocabSize: 10, maskTokenId: 1, specialTokenIds: [0, 1] })]);
  const prepared2 = both.prepare({ tokens, labels: [2, 0] }, new Rng(0));
  expect(Object.keys(prepared2.targets).sort()).toEqual(['classLabels', 'mlmLabels']);
  weights.dispose();
});
