// The Concat wrapper (heap-concat.ts) against concatenation on plain arrays: random ranks 1-4,
// axes, sizes including empty inputs, float32/int32/bool, 1-4 inputs (fast-check, seed 19);
// the result must be identical element for element.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tf, useBackend } from '@llmkit/core';
import '@llmkit/backend-wasm';

/** Concatenation of flat row-major arrays along `axis`. */
function reference(parts: { data: number[]; shape: number[] }[], axis: number): number[] {
  const rows = parts[0]!.shape.slice(0, axis).reduce((a, d) => a * d, 1);
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (const p of parts) {
      const run = p.shape.slice(axis).reduce((a, d) => a * d, 1);
      out.push(...p.data.slice(r * run, (r + 1) * run));
    }
  }
  return out;
}

describe('wasm Concat in the heap', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('equals concatenation on plain arrays, every rank, axis, dtype and empty input (fast-check, seed 19)', () => {
    const caseArb = fc
      .record({
        shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
        sizes: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
        dtype: fc.constantFrom('float32', 'int32', 'bool'),
        axisSeed: fc.nat(),
      });
    fc.assert(
      fc.property(caseArb, ({ shape, sizes, dtype, axisSeed }) => {
        const axis = axisSeed % shape.length;
        let k = 1;
        const parts = sizes.map((n) => {
          const s = shape.map((d, i) => (i === axis ? n : d));
          const size = s.reduce((a, d) => a * d, 1);
          const data = Array.from({ length: size }, () => (dtype === 'bool' ? k++ % 2 : dtype === 'int32' ? k++ : (k++) * 0.5));
          return { data, shape: s };
        });
        const tensors = parts.map((p) => tf.tensor(p.data, p.shape, dtype as 'float32'));
        const y = tf.concat(tensors, axis);
        expect(y.shape).toEqual(shape.map((d, i) => (i === axis ? sizes.reduce((a, n) => a + n, 0) : d)));
        expect(Array.from(y.dataSync())).toEqual(reference(parts, axis));
        tf.dispose([...tensors, y]);
      }),
      { numRuns: 200, seed: 19, endOnFailure: true },
    );
  });

  it('the gradient of a split is a concat of the pieces’ gradients', () => {
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
    const g = tf.grad((t: tf.Tensor) => {
      const [a, b, c] = tf.split(t, 3, 1);
      return tf.sum(tf.add(tf.add(tf.mul(a!, 1), tf.mul(b!, 2)), tf.mul(c!, 3)));
    })(x);
    expect(Array.from(g.dataSync())).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
    tf.dispose([x, g]);
  });
});
