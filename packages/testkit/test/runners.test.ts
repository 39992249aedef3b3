// The composite-op runners the conformance suite's leak checks and properties use must not leak
// themselves: `make` creates exactly the tensors it returns (`loss` runs inside the callers' tidy).
import '@tensorflow/tfjs-backend-cpu';
import { Rng, tf } from '@llmkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compositeOpRunners } from '../src/runners.js';

beforeAll(async () => {
  await tf.setBackend('cpu'); // tfjs's own cpu backend (a testkit dependency), core's default compositions
});

describe('compositeOpRunners', () => {
  for (const runner of compositeOpRunners) {
    it(`${runner.name}: make creates only the tensors it returns`, () => {
      const before = tf.memory().numTensors;
      const { xs, others } = runner.make(new Rng(3), 2);
      expect(tf.memory().numTensors - before, 'tensors created by make').toBe(xs.length + others.length);
      const loss = tf.tidy(() => runner.loss(xs, others));
      expect(loss.shape).toEqual([]);
      tf.dispose([...xs, ...others, loss]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
