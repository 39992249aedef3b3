// The Layout struct the kernels read: numpy broadcasting, strides 0 on broadcast dimensions, the
// packed bytes, and typed errors for shapes the kernels cannot address.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '@llmkit/core';
import { LAYOUT_BYTES, broadcastShape, broadcastStrides, contiguousStrides, packLayout } from '../src/kernels/layout.js';

describe('layout', () => {
  it('broadcastShape follows numpy: [2,3,4] with [3,1] is [2,3,4]; [5,1] with [1,6] is [5,6]', () => {
    expect(broadcastShape([2, 3, 4], [3, 1])).toEqual([2, 3, 4]);
    expect(broadcastShape([5, 1], [1, 6])).toEqual([5, 6]);
    expect(broadcastShape([], [2])).toEqual([2]);
  });

  it('incompatible shapes are a ShapeError naming both shapes and the dimension', () => {
    expect(() => broadcastShape([2, 3], [4, 3])).toThrow(ShapeError);
    expect(() => broadcastShape([2, 3], [4, 3])).toThrow('cannot broadcast shapes [2, 3] and [4, 3]: dimension 0 is 2 vs 4');
  });

  it('a broadcast operand read through its strides visits the element numpy would, for every shape pair', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), (out, ones) => {
        const shape = out.map((d, i) => (ones[i] ? 1 : d)).slice(out.length > 1 && ones[3] ? 1 : 0);
        const strides = broadcastStrides(shape, out);
        const outStrides = contiguousStrides(out);
        const size = out.reduce((a, b) => a * b, 1);
        for (let flat = 0; flat < size; flat++) {
          const coord = out.map((_, d) => Math.floor(flat / outStrides[d]!) % out[d]!);
          const off = coord.reduce((a, c, d) => a + c * strides[d]!, 0);
          const own = coord.slice(out.length - shape.length).map((c, d) => (shape[d] === 1 ? 0 : c));
          expect(off).toBe(own.reduce((a, c, d) => a + c * contiguousStrides(shape)[d]!, 0));
        }
      }),
      { seed: 12, numRuns: 100 },
    );
  });

  it('packs rank, shape and three operands of strides as little-endian int32 (100 bytes)', () => {
    const b = packLayout([2, 3], [[3, 1], [0, 1], [3, 1]]);
    expect(b.length).toBe(LAYOUT_BYTES);
    const v = new Int32Array(b.buffer);
    expect(Array.from(v.subarray(0, 3))).toEqual([2, 2, 3]);
    expect(Array.from(v.subarray(7, 9))).toEqual([3, 1]);
    expect(Array.from(v.subarray(13, 15))).toEqual([0, 1]);
  });

  it('rank 7 is a ShapeError (the kernels address rank <= 6)', () => {
    expect(() => packLayout([1, 1, 1, 1, 1, 1, 2], [])).toThrow('the cuda kernels address tensors of rank <= 6; got rank 7 ([1, 1, 1, 1, 1, 1, 2])');
  });
});
