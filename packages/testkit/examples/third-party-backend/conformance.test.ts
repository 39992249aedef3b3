// The backend's own test: the shared conformance suite (PyTorch fixtures forward and backward,
// properties, leaks, kernel counts), and kernel coverage of a workload.
import { jsCpuBackend } from './backend.js';
import { layerNorm, softmaxCrossEntropy, tf, useBackend } from '@llmkit/core';
import { missingKernels, recordKernels, runConformance } from '@llmkit/testkit';
import { expect, it } from 'vitest';

runConformance('js-cpu', { numRuns: 10 });

// Kernel coverage: record what core's compositions run (the backend with no overrides, as
// compositeDefault falls back to them), then check the tfjs backend has each of those kernels.
it('js-cpu has every tfjs kernel a small training step uses', async () => {
  await useBackend({ ...jsCpuBackend, name: 'js-cpu-defaults', kernels: [] });
  const used = new Set<string>();
  await recordKernels(used, () =>
    tf.tidy(() => {
      const x = tf.randomNormal([4, 8]);
      const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
      const loss = (w: tf.Tensor) => softmaxCrossEntropy(tf.matMul(layerNorm(x, tf.ones([8]), tf.zeros([8])), w), labels);
      tf.valueAndGrads(loss)([tf.randomNormal([8, 5])]);
    }),
  );
  expect(used.size).toBeGreaterThan(5);
  expect(missingKernels(used, 'cpu')).toEqual([]);
});
