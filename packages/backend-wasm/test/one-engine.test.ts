// One engine: tfjs-core imported by the user, by @llmkit/core and by the wasm backend is one
// module with one engine, one kernel registry and one gradient registry.
import { describe, it, expect, beforeAll } from 'vitest';
import * as userTf from '@tensorflow/tfjs-core';
import { tf, useBackend, layerNorm } from '@llmkit/core';
import '@llmkit/backend-wasm';

describe('one tfjs engine', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('the user’s tfjs-core and llmkit’s are the same engine and backend', () => {
    expect(userTf.engine()).toBe(tf.engine());
    expect(userTf.getBackend()).toBe('wasm');
  });

  it('gradients (tfjs’s and llmkit’s) are registered once, in the shared registry', () => {
    for (const name of ['Abs', 'Add', 'BatchMatMul', 'Reshape', 'Softmax', 'LlmkitLayerNorm', 'LlmkitAttention', 'LlmkitEmbedding']) {
      expect(userTf.getGradient(name), name).toBeTruthy();
    }
  });

  it('a tensor made by the user’s tfjs flows through llmkit ops and gradients without leaks', () => {
    const x = userTf.tensor2d([[1, 2, 3], [2, 0, 1]]);
    const before = userTf.memory().numTensors;
    const [g] = userTf.grads((a: userTf.Tensor) => userTf.sum(userTf.square(layerNorm(a, userTf.ones([3]), userTf.zeros([3])))))([x]);
    expect(g!.shape).toEqual([2, 3]);
    g!.dispose();
    expect(userTf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
