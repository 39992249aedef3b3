// fast-check properties every backend must satisfy beside the fixtures: normalisation, causality,
// the cross-entropy identity, and gradients that agree with finite differences. Each run computes
// in a tf.tidy that returns the tensors to read, reads them with `await t.data()` (so the
// properties hold on backends without synchronous reads, webgpu in Node) and frees them.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Rng, layerNorm, logSoftmax, scaledDotProductAttention, softmaxCrossEntropy, tf } from '@llmkit/core';
import { compositeOpRunners } from './runners.js';

const finiteFloat = (max: number) => fc.float({ min: Math.fround(-max), max: Math.fround(max), noNaN: true, noDefaultInfinity: true });
const row = (max: number, maxLength = 48) => fc.array(finiteFloat(max), { minLength: 1, maxLength });

/** Reads tensors asynchronously (all reads started at once) and disposes them. */
async function readAll(tensors: readonly tf.Tensor[]): Promise<Float32Array[]> {
  try {
    return (await Promise.all(tensors.map((t) => t.data()))) as Float32Array[];
  } finally {
    tf.dispose([...tensors]);
  }
}

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
    it('softmax and exp(logSoftmax) rows sum to 1 (within 1e-5)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(row(60), { minLength: 1, maxLength: 4 }), async (rows) => {
          const width = rows[0]!.length;
          const data = rows.map((r) => Array.from({ length: width }, (_, i) => r[i % r.length]!));
          const [a, b] = await readAll(
            tf.tidy(() => {
              const x = tf.tensor2d(data);
              return [tf.sum(tf.softmax(x), -1), tf.sum(tf.exp(logSoftmax(x)), -1)];
            }),
          );
          for (const s of [...a!, ...b!]) expect(Math.abs(s - 1)).toBeLessThanOrEqual(1e-5);
        }),
        params,
      );
    });

    it('cross-entropy equals -log softmax(logits)[label] (float64 reference, rtol 1e-5) and is >= 0', async () => {
      await fc.assert(
        fc.asyncProperty(row(40, 64).chain((r) => fc.tuple(fc.constant(r), fc.nat(r.length - 1))), async ([logits, label]) => {
          const [values] = await readAll([tf.tidy(() => softmaxCrossEntropy(tf.tensor2d([logits]), tf.tensor1d([label], 'int32')))]);
          const loss = values![0]!;
          const expected = logSumExp(Float32Array.from(logits)) - Math.fround(logits[label]!);
          expect(loss).toBeGreaterThanOrEqual(0);
          expect(Math.abs(loss - expected)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(expected)) + 4e-6 * Math.abs(logits[label]!));
        }),
        params,
      );
    });

    it('layerNorm rows have mean 0 and variance s²/(s²+eps) (gamma 1, beta 0)', async () => {
      const eps = 1e-5;
      await fc.assert(
        fc.asyncProperty(
          fc.array(finiteFloat(100), { minLength: 2, maxLength: 64 }).filter((r) => {
            const m = r.reduce((a, b) => a + b, 0) / r.length;
            return r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length > 1e-2;
          }),
          async (r) => {
            const [y] = await readAll([tf.tidy(() => layerNorm(tf.tensor2d([r]), tf.ones([r.length]), tf.zeros([r.length]), { epsilon: eps }))]);
            const x = Float32Array.from(r);
            const mx = x.reduce((a, b) => a + b, 0) / x.length;
            const varX = x.reduce((a, b) => a + (b - mx) ** 2, 0) / x.length;
            const mean = y!.reduce((a, b) => a + b, 0) / y!.length;
            const variance = y!.reduce((a, b) => a + (b - mean) ** 2, 0) / y!.length;
            expect(Math.abs(mean)).toBeLessThanOrEqual(1e-5);
            expect(Math.abs(variance - varX / (varX + eps))).toBeLessThanOrEqual(1e-4);
          },
        ),
        params,
      );
    });

    it('causal attention: output at position t is unchanged by any change to q, k, v after t', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 1, max: 6 }), fc.nat(), fc.nat(), async (t, d, cut, seed) => {
          const keep = cut % t; // positions 0..keep stay, keep+1.. change
          const rng = new Rng(seed);
          const [y1, y2] = await readAll(
            tf.tidy(() => {
              const shape = [1, 2, t, d];
              const n = 2 * t * d;
              const [q, k, v] = [0, 1, 2].map(() => tf.tensor(rng.normalArray(n), shape));
              const after = tf.tensor(Float32Array.from({ length: t }, (_, i) => (i > keep ? 1 : 0)), [1, 1, t, 1]);
              const perturb = (x: tf.Tensor) => tf.add(x, tf.mul(after, tf.tensor(rng.normalArray(n, 0, 3), shape)));
              const a = scaledDotProductAttention(q!, k!, v!, { causal: true });
              const b = scaledDotProductAttention(perturb(q!), perturb(k!), perturb(v!), { causal: true });
              const rows = (y: tf.Tensor) => tf.slice(y, [0, 0, 0, 0], [1, 2, keep + 1, d]);
              return [rows(a), rows(b)];
            }),
          );
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
        it(runner.name, async () => {
          await fc.assert(
            fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 3 }), async (seed, size) => {
              const rng = new Rng(seed);
              const { xs, others } = runner.make(rng, size);
              const h = 1e-2;
              try {
                // <grad_i, u_i> per input and f(x ± hu) as fp32 scalars on the device; summed and
                // differenced in float64 on the host.
                const values = await readAll(
                  tf.tidy(() => {
                    const dirs = xs.map((x) => tf.tensor(rng.normalArray(x.size), x.shape));
                    const grads = tf.grads((...args: tf.Tensor[]) => runner.loss(args, others))(xs);
                    const dots = grads.map((g, i) => tf.sum(tf.mul(g, dirs[i]!)));
                    const at = (sign: number) => runner.loss(xs.map((x, i) => tf.add(x, tf.mul(dirs[i]!, sign * h))), others);
                    return [at(1), at(-1), ...dots];
                  }),
                );
                const [plus, minus, ...dots] = values.map((v) => v[0]!);
                const analytic = dots.reduce((acc, d) => acc + d, 0);
                const numeric = (plus! - minus!) / (2 * h);
                expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(3e-3 + 1e-2 * Math.abs(analytic));
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
