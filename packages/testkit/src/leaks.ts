// The no-leak check: repeated forward+backward of every composite op leaves tf.memory() unchanged.
// It reads no tensor values (tf.memory() is bookkeeping), so it runs as is on backends without
// synchronous reads (webgpu in Node).
import { describe, it, expect } from 'vitest';
import { Rng, tf } from '@llmkit/core';
import { compositeOpRunners } from './runners.js';

/** Registers one test per composite op: 3 forward+backward passes, numTensors and numBytes unchanged. */
export function registerLeakChecks(): void {
  describe('no tensor leaks: repeated forward+backward leaves tf.memory() unchanged', () => {
    for (const runner of compositeOpRunners) {
      it(runner.name, () => {
        const { xs, others } = runner.make(new Rng(7), 2);
        const pass = () => {
          const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => runner.loss(args, others))(xs);
          tf.dispose([value, ...grads]);
        };
        pass(); // the first use registers lazy kernels
        const before = tf.memory();
        for (let i = 0; i < 3; i++) pass();
        const after = tf.memory();
        tf.dispose([...xs, ...others]);
        expect({ numTensors: after.numTensors, numBytes: after.numBytes }).toEqual({
          numTensors: before.numTensors,
          numBytes: before.numBytes,
        });
      });
    }
  });
}
