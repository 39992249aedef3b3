// Identity (the engine's clone of every tensor a gradient saves) shares the data with a reference
// count instead of copying it (shared-identity.ts): the clone has the same dataId, outlives the
// original, frees the memory once both are gone, and gradients through saved tensors stay right.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@llmkit/core';
import '@llmkit/backend-wasm';

describe('wasm Identity shares data', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('a clone has the same data, survives the original, and the memory is freed after both', () => {
    const bytes = tf.memory().numBytes;
    const x = tf.tensor([1, 2, 3, 4, 5], [5]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5]);
    y.dispose();
    expect(tf.memory().numBytes).toBe(bytes);
    expect((tf.backend() as unknown as { dataIdMap: { has(id: object): boolean } }).dataIdMap.has(y.dataId)).toBe(false);
  });

  it('a variable assigned after a gradient saved it keeps the saved value for the backward pass', () => {
    const w = tf.variable(tf.tensor([2, 3], [2]));
    const { value, grads } = tf.variableGrads(() => {
      const loss = tf.sum(tf.square(w));
      return loss as tf.Scalar;
    });
    // d/dw sum(w^2) = 2w, from the saved w.
    expect(Array.from(grads[w.name]!.dataSync())).toEqual([4, 6]);
    const { grads: g2 } = tf.variableGrads(() => {
      const s = tf.sum(tf.mul(w, w)) as tf.Scalar;
      w.assign(tf.tensor([10, 10], [2]));
      return s;
    });
    expect(Array.from(g2[w.name]!.dataSync())).toEqual([4, 6]);
    tf.dispose([value, ...Object.values(grads), ...Object.values(g2), w]);
  });
});
