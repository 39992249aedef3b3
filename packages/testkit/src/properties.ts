// fast-check properties every backend must satisfy beside the fixtures: normalisation, causality,
// the cross-entropy identity, and gradients that agree with finite differences.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Rng, layerNorm, logSoftmax, scaledDotProductAttention, softmaxCrossEntropy, tf } from '@llmkit/core';
import { compositeOpRunners } from './runners.js';

const finiteFloat = (max: number) => fc.float({ min: Math.fround(-max), max: Math.fround(max), noNaN: true, noDefaultInfinity: true });
const row = (max: number, maxLength = 48) => fc.array(finiteFloat(max), { minLength: 1, maxLength });

/** log(sum(exp(x))) in float64 on the host. */
function logSumExp(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, xs[i]!);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i]! - m);
  return m + Math.log(s);
}

export function registerProperties(numRuns: number): void {
  const params = { numRuns, seed: 20261123 };

  describe(`properties (fast-check, ${numRuns} runs each)`, () => {
    it('softmax and exp(logSoftmax) rows sum to 1 (within 1e-5)', () => {
      fc.assert(
        fc.property(fc.array(row(60), { minLength: 1, maxLength: 4 }), (rows) => {
          const width = rows[0]!.length;
          const data = rows.map((r) => Array.from({ length: width }, (_, i) => r[i % r.length]!));
          const [a, b] = tf.tidy(() => {
            const x = tf.tensor2d(data);
            return [tf.sum(tf.softmax(x), -1).arraySync() as number[], tf.sum(tf.exp(logSoftmax(x)), -1).arraySync() as number[]];
          });
          for (const s of [...a!, ...b!]) expect(Math.abs(s - 1)).toBeLessThanOrEqual(1e-5);
        }),
        params,
      );
    });

    it('cross-entropy equals -log softmax(logits)[label] (float64 reference, rtol 1e-5) and is >= 0', () => {
      fc.assert(
        fc.property(row(40, 64).chain((r) => fc.tuple(fc.constant(r), fc.nat(r.length - 1))), ([logits, label]) => {
          const loss = tf.tidy(() => softmaxCrossEntropy(tf.tensor2d([logits]), tf.tensor1d([label], 'int32')).dataSync()[0]!);
          const expected = logSumExp(Float32Array.from(logits)) - Math.fround(logits[label]!);
          expect(loss).toBeGreaterThanOrEqual(0);
          expect(Math.abs(loss - expected)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(expected)) + 4e-6 * Math.abs(logits[label]!));
        }),
        params,
      );
    });

    it('layerNorm rows have mean 0 and variance s²/(s²+eps) (gamma 1, beta 0)', () => {
      const eps = 1e-5;
      fc.assert(
        fc.property(
          fc.array(finiteFloat(100), { minLength: 2, maxLength: 64 }).filter((r) => {
            const m = r.reduce((a, b) => a + b, 0) / r.length;
            return r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length > 1e-2;
          }),
          (r) => {
            const y = tf.tidy(() => layerNorm(tf.tensor2d([r]), tf.ones([r.length]), tf.zeros([r.length]), { epsilon: eps }).dataSync() as Float32Array);
            const x = Float32Array.from(r);
            const mx = x.reduce((a, b) => a + b, 0) / x.length;
            const varX = x.reduce((a, b) => a + (b - mx) ** 2, 0) / x.length;
            const mean = y.reduce((a, b) => a + b, 0) / y.length;
            const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length;
            expect(Math.abs(mean)).toBeLessThanOrEqual(1e-5);
            expect(Math.abs(variance - varX / (varX + eps))).toBeLessThanOrEqual(1e-4);
          },
        ),
        params,
      );
    });

    it('causal attention: output at position t is unchanged by any change to q, k, v after t', () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 1, max: 6 }), fc.nat(), fc.nat(), (t, d, cut, seed) => {
          const keep = cut % t; // positions 0..keep stay, keep+1.. change
          const rng = new Rng(seed);
          const [y1, y2] = tf.tidy(() => {
            const shape = [1, 2, t, d];
            const n = 2 * t * d;
            const [q, k, v] = [0, 1, 2].map(() => tf.tensor(rng.normalArray(n), shape));
            const after = tf.tensor(Float32Array.from({ length: t }, (_, i) => (i > keep ? 1 : 0)), [1, 1, t, 1]);
            const perturb = (x: tf.Tensor) => tf.add(x, tf.mul(after, tf.tensor(rng.normalArray(n, 0, 3), shape)));
            const a = scaledDotProductAttention(q!, k!, v!, { causal: true });
            const b = scaledDotProductAttention(perturb(q!), perturb(k!), perturb(v!), { causal: true });
            const rows = (y: tf.Tensor) => tf.slice(y, [0, 0, 0, 0], [1, 2, keep + 1, d]).dataSync();
            return [rows(a), rows(b)];
          });
          for (let i = 0; i < y1!.length; i++) expect(Math.abs(y1![i]! - y2![i]!)).toBeLessThanOrEqual(1e-6);
        }),
        params,
      );
    });

    describe('gradients agree with central finite differences along a random direction', () => {
      // Directional derivative (f(x+hu) - f(x-hu)) / 2h vs <grad f, u> in fp32 with h = 1e-2:
      // truncation error ~h² and round-off ~1e-7·|f|/h, so 1e-2 relative with a 3e-3 floor is
      // tight enough to catch a wrong term or a missing factor, and loose enough for fp32.
      for (const runner of compositeOpRunners) {
        it(runner.name, () => {
          fc.assert(
            fc.property(fc.nat(), fc.integer({ min: 1, max: 3 }), (seed, size) => {
              const rng = new Rng(seed);
              const { xs, others } = runner.make(rng, size);
              const h = 1e-2;
              try {
                const [analytic, numeric] = tf.tidy(() => {
                  const dirs = xs.map((x) => tf.tensor(rng.normalArray(x.size), x.shape));
                  const grads = tf.grads((...args: tf.Tensor[]) => runner.loss(args, others))(xs);
                  const dot = grads.reduce((acc, g, i) => acc + tf.sum(tf.mul(g, dirs[i]!)).dataSync()[0]!, 0);
                  const at = (sign: number) =>
                    runner.loss(xs.map((x, i) => tf.add(x, tf.mul(dirs[i]!, sign * h))), others).dataSync()[0]!;
                  return [dot, (at(1) - at(-1)) / (2 * h)];
                });
                expect(Math.abs(analytic! - numeric!)).toBeLessThanOrEqual(3e-3 + 1e-2 * Math.abs(analytic!));
              } finally {
                tf.dispose([...xs, ...others]);
              }
            }),
            { ...params, numRuns: Math.max(5, Math.ceil(numRuns / 2)) },
          );
        });
      }
    });
  });
}
