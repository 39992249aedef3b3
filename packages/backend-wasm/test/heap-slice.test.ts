// Slice and SplitV copied inside the heap (heap-slice.ts) against a plain reference: every rank
// 1-5, random begins and sizes (fast-check, fixed seed), whole trailing axes (one long run),
// float32, int32 and bool, empty slices, and splits by count and by sizes (with -1).
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { tf, useBackend } from '@llmkit/core';
import '@llmkit/backend-wasm';

function referenceSlice(data: ArrayLike<number>, shape: number[], begin: number[], size: number[]): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, d) => a * d, 1));
  const out: number[] = [];
  const count = size.reduce((a, d) => a * d, 1);
  for (let n = 0; n < count; n++) {
    let rest = n, flat = 0;
    for (let d = size.length - 1; d >= 0; d--) {
      const i = rest % size[d]!;
      rest = Math.floor(rest / size[d]!);
      flat += (begin[d]! + i) * strides[d]!;
    }
    out.push(data[flat]!);
  }
  return out;
}

describe('wasm Slice and SplitV inside the heap', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('slices of every rank 1-5 equal the reference (fast-check: any begin/size inside the shape)', () => {
    const caseArb = fc
      .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 })
      .chain((shape) =>
        fc.tuple(fc.constant(shape), fc.tuple(...shape.map((d) => fc.integer({ min: 0, max: d }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 0, max: d - b }))))), fc.constantFrom('float32', 'int32', 'bool')),
      );
    fc.assert(
      fc.property(caseArb, ([shape, bs, dtype]) => {
        const n = shape.reduce((a, d) => a * d, 1);
        const data = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 3 === 0 ? 1 : 0 : i * 1.5 - 7));
        const begin = bs.map(([b]) => b), size = bs.map(([, s]) => s);
        const got = tf.tidy(() => tf.slice(tf.tensor(data, shape, dtype as 'float32'), begin, size).dataSync());
        expect(Array.from(got)).toEqual(referenceSlice(dtype === 'int32' ? data.map(Math.trunc) : data, shape, begin, size));
      }),
      { numRuns: 150, seed: 13, endOnFailure: true },
    );
  });

  it('whole trailing axes and the GPT qkv split: [1024, 384] into three [1024, 128]', () => {
    const x = tf.tidy(() => tf.reshape(tf.range(0, 1024 * 384), [1024, 384]));
    const data = x.dataSync();
    const parts = tf.split(x, 3, 1);
    parts.forEach((p, i) => expect(Array.from(p.dataSync())).toEqual(referenceSlice(data, [1024, 384], [0, 128 * i], [1024, 128])));
    const rows = tf.slice(x, [5, 0], [3, 384]);
    expect(Array.from(rows.dataSync())).toEqual(Array.from(data.subarray(5 * 384, 8 * 384)));
    tf.dispose([x, ...parts, rows]);
  });

  it('splits by sizes with -1, along a middle axis, keep the tensor count', () => {
    const before = tf.memory().numTensors;
    const x = tf.tidy(() => tf.reshape(tf.range(0, 2 * 7 * 3, 1, 'int32'), [2, 7, 3]));
    const parts = tf.split(x, [2, -1, 1], 1);
    expect(parts.map((p) => p.shape)).toEqual([[2, 2, 3], [2, 4, 3], [2, 1, 3]]);
    const data = x.dataSync();
    expect(Array.from(parts[1]!.dataSync())).toEqual(referenceSlice(data, [2, 7, 3], [0, 2, 0], [2, 4, 3]));
    expect(parts.every((p) => p.dtype === 'int32')).toBe(true);
    tf.dispose([x, ...parts]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('empty slices and string tensors (left to tfjs) still work', () => {
    const e = tf.tidy(() => tf.slice(tf.ones([3, 4]), [1, 2], [0, 2]));
    expect(e.shape).toEqual([0, 2]);
    const s = tf.tidy(() => tf.slice(tf.tensor(['a', 'b', 'c']), [1], [2]));
    expect(s.dataSync()).toEqual(['b', 'c']);
    tf.dispose([e, s]);
  });
});
