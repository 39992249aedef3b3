// Corrections llmkit applies to tfjs-webgpu, each shown failing without the correction:
// AddN past the device's storage-buffer limit, and device errors surfacing at the next read.
import { beforeAll, expect, it } from 'vitest';
import { tf, useBackend } from '@llmkit/core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { describeWebGpu, gpuOnly } from './gpu-env.js';

await describeWebGpu('webgpu kernel fixes', () => {
  beforeAll(async () => {
    await useBackend('webgpu');
    gpuOnly();
  });

  it('AddN of 2 to 40 inputs sums every input (tfjs-webgpu binds all inputs in one shader and drops the dispatch past 8 storage buffers)', async () => {
    const limit = (tf.backend() as unknown as { device: { limits: { maxStorageBuffersPerShaderStage: number } } }).device.limits.maxStorageBuffersPerShaderStage;
    for (const n of [2, limit - 1, limit, limit + 1, 2 * limit + 3, 40]) {
      const xs = Array.from({ length: n }, (_, i) => tf.fill([3, 5], i + 1));
      const sum = tf.addN(xs);
      const values = await sum.data();
      expect(Array.from(values), `AddN of ${n} inputs`).toEqual(new Array(15).fill((n * (n + 1)) / 2));
      tf.dispose([...xs, sum]);
    }
  });

  it('AddN frees its partial sums', async () => {
    const xs = Array.from({ length: 30 }, () => tf.ones([4]));
    const before = tf.memory();
    const sum = tf.addN(xs);
    await sum.data();
    sum.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    tf.dispose(xs);
  });

  it('a WebGPU validation error fails the next read, naming the error, instead of returning stale numbers', async () => {
    const device = (tf.backend() as unknown as WebGPUBackend & { device: { createBuffer(d: object): unknown } }).device;
    device.createBuffer({ size: 16, usage: 0 }); // invalid: a buffer needs a usage
    const x = tf.add(tf.ones([8]), 1);
    await expect(x.data()).rejects.toThrow(/WebGPU device reported 1 error\(s\) since the last read/);
    // Reported once: the next read is clean again.
    expect(Array.from(await x.data())).toEqual(new Array(8).fill(2));
    x.dispose();
  });
});
