// tfjs ops on the 'cuda' backend (the CPU test double running the .cu kernels and the cuBLAS double)
// against the same ops on tfjs-cpu. Tolerance 1e-5 absolute (float32 sums of <= 64 terms).
import { beforeAll, describe, expect, it } from 'vitest';
import '@llmkit/backend-cpu';
import { tf, useBackend } from '@llmkit/core';
import type { Backend } from '@llmkit/core';
import { randomFloats, testCudaBackend } from './kernel-harness.js';

let cuda: Backend;

beforeAll(() => {
  cuda = testCudaBackend({ name: 'cuda-test' });
});

const r = (shape: number[], seed: number, scale = 1) => tf.tensor(randomFloats(shape.reduce((a, b) => a * b, 1), seed, scale), shape);

const CASES: [string, () => tf.Tensor][] = [
  ['Add broadcast [2,3,4] + [3,1]', () => tf.add(r([2, 3, 4], 1), r([3, 1], 2))],
  ['Sub, Mul, RealDiv same shape', () => tf.div(tf.mul(tf.sub(r([5, 7], 3), r([5, 7], 4)), r([5, 7], 5)), tf.add(tf.abs(r([5, 7], 6)), 1))],
  ['Maximum, Minimum, SquaredDifference with a scalar', () => tf.squaredDifference(tf.minimum(tf.maximum(r([4, 4], 7), -0.2), 0.3), tf.scalar(0.1))],
  ['Exp, Log, Sqrt, Rsqrt, Tanh, Sigmoid, Relu, Neg, Square, Erf', () => tf.addN([tf.exp(r([30], 8)), tf.log(tf.add(tf.abs(r([30], 9)), 0.5)), tf.sqrt(tf.abs(r([30], 10))), tf.rsqrt(tf.add(tf.abs(r([30], 11)), 1)), tf.tanh(r([30], 12, 3)), tf.sigmoid(r([30], 13, 3)), tf.relu(r([30], 14)), tf.neg(r([30], 15)), tf.square(r([30], 16)), tf.erf(r([30], 17))])],
  ['Greater, Equal, LogicalAnd → bool, Cast back to float', () => tf.cast(tf.logicalAnd(tf.greater(r([3, 5], 18), 0), tf.equal(tf.scalar(1), tf.scalar(1))), 'float32')],
  ['Where (Select) with a broadcast condition', () => tf.where(tf.greater(r([1, 6], 19), 0), r([4, 6], 20), r([4, 6], 21))],
  ['Where on int32 branches keeps int32 (large values exact)', () => tf.where(tf.tensor1d([true, false, true], 'bool'), tf.tensor1d([2 ** 30 + 1, 2, 3], 'int32'), tf.tensor1d([7, -(2 ** 29) - 3, 9], 'int32'))],
  ['Sum over the last axis, Mean over axis 0, Max over both (keepDims)', () => tf.concat([tf.sum(r([4, 6], 22), -1), tf.mean(r([6, 4], 23), 0), tf.reshape(tf.max(r([2, 2], 24), [0, 1], true), [1])])],
  ['Max and Min over one axis of three (tfjs calls it reductionIndices)', () => tf.concat([tf.reshape(tf.max(r([3, 4, 5], 38), 1), [-1]), tf.reshape(tf.min(r([3, 4, 5], 39), -1, true), [-1])])],
  ['Range (float32 and int32), Slice, split, pad', () => tf.concat([tf.range(0, 3, 0.5), tf.cast(tf.range(1, 7, 2, 'int32'), 'float32'), tf.reshape(tf.slice(r([4, 5], 40), [1, 2], [2, -1]), [-1]), tf.reshape(tf.split(r([2, 6], 41), [1, 5], 1)[1]!, [-1]), tf.reshape(tf.pad(r([2, 2], 42), [[1, 0], [0, 2]], 7), [-1])])],
  ['ArgMax over axis 1 of [3, 5, 2] (a transpose first)', () => tf.argMax(r([3, 5, 2], 25), 1)],
  ['Softmax and log-softmax rows', () => tf.add(tf.softmax(r([3, 40], 26, 3)), tf.logSoftmax(r([3, 40], 27, 3)))],
  ['MatMul [5,7]·[7,3] and transposed operands', () => tf.add(tf.matMul(r([5, 7], 28), r([7, 3], 29)), tf.matMul(r([7, 5], 30), r([3, 7], 31), true, true))],
  ['BatchMatMul [2,4,3]·[3,5] (b broadcast over the batch)', () => tf.matMul(r([2, 4, 3], 32), r([3, 5], 33))],
  ['Transpose [2,3,4] by [2,0,1]', () => tf.transpose(r([2, 3, 4], 34), [2, 0, 1])],
  ['Gather rows (embedding lookup) with repeated ids', () => tf.gather(r([10, 4], 35), tf.tensor1d([3, 3, 0, 9], 'int32'))],
  ['UnsortedSegmentSum (Gather gradient): repeated ids, an id past numSegments dropped, a rank-3 x', () => tf.concat([tf.reshape(tf.unsortedSegmentSum(r([6, 3], 43), tf.tensor1d([2, 0, 2, 4, 7, 2], 'int32'), 5), [-1]), tf.reshape(tf.unsortedSegmentSum(r([4, 2, 3], 44), tf.tensor1d([1, 1, 0, 1], 'int32'), 3), [-1])])],
  ['UnsortedSegmentSum on int32 values (host path)', () => tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), tf.tensor1d([1, 0, 1], 'int32'), 2)],
  ['int32 arithmetic (host path): (ids + 1) * 2 > 5', () => tf.cast(tf.greater(tf.mul(tf.add(tf.tensor1d([1, 2, 3], 'int32'), 1), 2), 5), 'int32')],
  ['zerosLike, onesLike, fill', () => tf.add(tf.add(tf.zerosLike(r([3], 36)), tf.onesLike(r([3], 37))), tf.fill([3], 0.5))],
];

async function runOn(name: string, f: () => tf.Tensor) {
  if (name === 'cuda') await useBackend(cuda);
  else await useBackend(name);
  const t = tf.tidy(f);
  const out = { shape: t.shape, dtype: t.dtype, values: Array.from(await t.data()) };
  t.dispose();
  return out;
}

describe("tfjs ops on 'cuda' (CPU test double) agree with tfjs-cpu", () => {
  for (const [name, f] of CASES) {
    it(name, async () => {
      const expected = await runOn('cpu', f);
      const got = await runOn('cuda', f);
      expect(tf.getBackend()).toBe('cuda');
      expect({ shape: got.shape, dtype: got.dtype }).toEqual({ shape: expected.shape, dtype: expected.dtype });
      const diff = got.values.reduce((m, v, i) => Math.max(m, Math.abs(v - expected.values[i]!)), 0);
      expect(diff).toBeLessThanOrEqual(1e-5);
    });
  }

  it('a step of these ops leaves no tensor and no device bytes behind', async () => {
    await useBackend(cuda);
    const before = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
    for (const [, f] of CASES) tf.tidy(f).dispose();
    const after = tf.memory() as tf.MemoryInfo & { numBytesInGPU: number };
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytesInGPU).toBe(before.numBytesInGPU);
  });
});
