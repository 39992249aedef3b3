// The fused AdamW (csrc/adamw.c behind core's LlmkitAdamW) against core's default composition of
// tfjs ops on the same wasm backend: the same float32 operations in the same order, so the
// invariant is bit equality (tolerance 0) on random sizes (vector tails, empty tensors), moments,
// decays and step counts; and it runs as one kernel, nothing nested.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { adamwUpdate, compositeDefault, currentBackend, tf, useBackend } from '@llmkit/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import '@llmkit/backend-wasm';

describe('wasm fused AdamW (LlmkitAdamW)', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    expect(String(currentBackend().describe().details?.simdKernelsAttached)).toContain('LlmkitAdamW');
  });

  it('equals core’s default composition bit for bit, inputs untouched, no leak (fast-check, seed 17)', () => {
    const fallback: KernelFunc = compositeDefault('LlmkitAdamW');
    const caseArb = fc.record({
      sizes: fc.array(fc.integer({ min: 0, max: 41 }), { minLength: 1, maxLength: 6 }),
      t: fc.integer({ min: 1, max: 5000 }),
      lr: fc.double({ min: 0, max: 0.5, noNaN: true }),
      beta1: fc.double({ min: 0, max: 0.99, noNaN: true }),
      beta2: fc.double({ min: 0.5, max: 0.9999, noNaN: true }),
      eps: fc.constantFrom(1e-8, 1e-6, 0),
      decay: fc.constantFrom(0, 0.01, 0.1, 1),
      seed: fc.integer({ min: 0, max: 10_000 }),
    });
    fc.assert(
      fc.property(caseArb, ({ sizes, t, lr, beta1, beta2, eps, decay, seed }) => {
        const before = tf.memory().numTensors;
        const gen = (n: number, s: number, scale: number) => tf.randomNormal([n], 0, scale, 'float32', seed * 31 + s);
        const ps = sizes.map((n, i) => gen(n, 4 * i, 1));
        const gs = sizes.map((n, i) => gen(n, 4 * i + 1, 0.1));
        const ms = sizes.map((n, i) => gen(n, 4 * i + 2, 0.01));
        const vs = sizes.map((n, i) => tf.tidy(() => tf.square(gen(n, 4 * i + 3, 0.01))));
        const decayFactors = sizes.map((_, i) => (i % 2 ? 1 : 1 - lr * decay));
        const attrs = { beta1, beta2, eps, stepSize: lr / (1 - beta1 ** t), bias2Sqrt: Math.sqrt(1 - beta2 ** t) };
        const copies = [...ps, ...gs, ...ms, ...vs].map((x) => x.dataSync().slice());
        const fused = adamwUpdate(ps, gs, ms, vs, { ...attrs, decayFactors });
        const inputs: Record<string, tf.Tensor> = {};
        sizes.forEach((_, i) => Object.assign(inputs, { [`p${i}`]: ps[i], [`g${i}`]: gs[i], [`m${i}`]: ms[i], [`v${i}`]: vs[i] }));
        const reference = fallback({ inputs: inputs as never, attrs: { ...attrs, count: sizes.length, decayFactors }, backend: tf.backend() }) as TensorInfo[];
        const got = [...fused.params, ...fused.expAvg, ...fused.expAvgSq];
        expect(got.length).toBe(reference.length);
        got.forEach((x, o) => {
          expect(x.shape).toEqual(reference[o]!.shape);
          expect(Array.from(x.dataSync()), `output ${o}`).toEqual(Array.from((reference[o] as tf.Tensor).dataSync()));
        });
        expect([...ps, ...gs, ...ms, ...vs].map((x) => x.dataSync())).toEqual(copies);
        tf.dispose([...ps, ...gs, ...ms, ...vs, ...got, ...(reference as tf.Tensor[])]);
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 60, seed: 17, endOnFailure: true },
    );
  });

  it('runs as one kernel with no kernels nested in it (the SIMD pass, not the default)', async () => {
    const [p, g, m] = [0, 1, 2].map((s) => tf.randomNormal([130], 0, 1, 'float32', s));
    const v = tf.tidy(() => tf.abs(tf.randomNormal([130], 0, 1, 'float32', 3)));
    const info = await tf.profile(() => {
      const out = adamwUpdate([p!, p!], [g!, g!], [m!, m!], [v, v], { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3, bias2Sqrt: 0.03, decayFactors: [0.999, 1] });
      return [...out.params, ...out.expAvg, ...out.expAvgSq];
    });
    expect(info.kernels.map((k) => k.name)).toEqual(['LlmkitAdamW']);
    tf.dispose([p!, g!, m!, v, ...info.result as tf.Tensor[]]);
  });
});
