// adamwUpdate (kernel LlmkitAdamW) with its default composition on tfjs's cpu backend: against
// torch.optim.AdamW's formula computed here in float64 on the host (tolerance 2e-6·(1 + |ref|):
// float32 elementwise arithmetic against float64), the inputs left untouched, and the typed
// errors for mismatched lists, dtypes, shapes and non-finite scalars.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConfigError, ShapeError, adamwUpdate, registerBackend, tf, useBackend, type Backend } from '@llmkit/core';

const testCpu: Backend = {
  name: 'test-cpu',
  tfjsBackend: 'cpu',
  priority: -1,
  async init() {
    await import('@tensorflow/tfjs-backend-cpu');
  },
  describe: () => ({ name: 'test-cpu', tfjsBackend: 'cpu', device: 'CPU', fusedKernels: [] }),
};

/** torch.optim.AdamW's update of one element in float64 (the reference). */
function reference(p: number, g: number, m: number, v: number, o: { beta1: number; beta2: number; eps: number; stepSize: number; bias2Sqrt: number; decay: number }) {
  const m1 = m * o.beta1 + g * (1 - o.beta1);
  const v1 = v * o.beta2 + g * g * (1 - o.beta2);
  return { p: p * o.decay - (m1 / (Math.sqrt(v1) / o.bias2Sqrt + o.eps)) * o.stepSize, m: m1, v: v1 };
}

describe('adamwUpdate (LlmkitAdamW default composition)', () => {
  beforeAll(async () => {
    registerBackend(testCpu);
    await useBackend('test-cpu');
  });

  it('every output equals torch’s formula in float64 within 2e-6·(1 + |ref|), inputs untouched (fast-check, seed 21)', () => {
    const sizes = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(sizes, fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 0.1, noNaN: true }), fc.integer({ min: 0, max: 1000 }), (ns, t, lr, seed) => {
        const beta1 = 0.9, beta2 = 0.95, eps = 1e-8;
        const gen = (n: number, s: number, scale: number) => tf.randomNormal([n], 0, scale, 'float32', seed * 7 + s);
        const before = tf.memory().numTensors;
        const ps = ns.map((n, i) => gen(n, 4 * i, 1));
        const gs = ns.map((n, i) => gen(n, 4 * i + 1, 0.1));
        const ms = ns.map((n, i) => gen(n, 4 * i + 2, 0.01));
        const vs = ns.map((n, i) => tf.tidy(() => tf.abs(gen(n, 4 * i + 3, 0.001))));
        const decays = ns.map((_, i) => (i % 2 ? 1 : 1 - lr * 0.1));
        const opts = { beta1, beta2, eps, stepSize: lr / (1 - beta1 ** t), bias2Sqrt: Math.sqrt(1 - beta2 ** t) };
        const inputsBefore = [...ps, ...gs, ...ms, ...vs].map((x) => x.dataSync().slice());
        const out = adamwUpdate(ps, gs, ms, vs, { ...opts, decayFactors: decays });
        expect([...ps, ...gs, ...ms, ...vs].map((x) => x.dataSync())).toEqual(inputsBefore);
        ns.forEach((_, i) => {
          const [P, G, M, V] = [ps[i]!, gs[i]!, ms[i]!, vs[i]!].map((x) => x.dataSync());
          const [P1, M1, V1] = [out.params[i]!, out.expAvg[i]!, out.expAvgSq[i]!].map((x) => x.dataSync());
          for (let j = 0; j < P!.length; j++) {
            const r = reference(P![j]!, G![j]!, M![j]!, V![j]!, { ...opts, decay: decays[i]! });
            for (const [got, want, what] of [[P1![j]!, r.p, 'p'], [M1![j]!, r.m, 'm'], [V1![j]!, r.v, 'v']] as const) {
              expect(Math.abs(got - want), `${what}${i}[${j}]: ${got} vs ${want}`).toBeLessThanOrEqual(2e-6 * (1 + Math.abs(want)));
            }
          }
        });
        tf.dispose([...ps, ...gs, ...ms, ...vs, ...out.params, ...out.expAvg, ...out.expAvgSq]);
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 40, seed: 21, endOnFailure: true },
    );
  });

  it('an empty list gives empty lists', () => {
    expect(adamwUpdate([], [], [], [], { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3, bias2Sqrt: 0.03, decayFactors: [] })).toEqual({ params: [], expAvg: [], expAvgSq: [] });
  });

  it('bad input: typed errors naming the list, the tensor or the scalar', () => {
    const [a, b, c] = [tf.zeros([3]), tf.zeros([4]), tf.zeros([3], 'int32')];
    const o = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 1e-3, bias2Sqrt: 0.03, decayFactors: [1] };
    expect(() => adamwUpdate([a], [a, a], [a], [a], o)).toThrow(ShapeError);
    expect(() => adamwUpdate([a], [a, a], [a], [a], o)).toThrow(/'grads' has 2 entries; expected 1/);
    expect(() => adamwUpdate([a], [b], [a], [a], o)).toThrow(/'g0' must have the shape of params\[0\], \[3\]; got \[4\]/);
    expect(() => adamwUpdate([a], [a], [c], [a], o)).toThrow(/'m0' must be float32; got int32/);
    expect(() => adamwUpdate([a], [a], [a], [a], { ...o, decayFactors: [] })).toThrow(/'decayFactors' has 0 entries/);
    expect(() => adamwUpdate([a], [a], [a], [a], { ...o, eps: Number.NaN })).toThrow(ConfigError);
    expect(() => adamwUpdate([a], [a], [a], [a], { ...o, decayFactors: [Infinity] })).toThrow(/'decayFactors\[0\]' must be a finite number/);
    tf.dispose([a, b, c]);
  });
});
