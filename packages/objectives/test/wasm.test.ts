// Smoke test on the wasm backend: one seed gives the same prepared batch (masks are drawn on the
// host), and MLM + SOP losses and gradients match the cpu backend's to float32 tolerance.
import '@llmkit/backend-cpu';
import '@llmkit/backend-wasm';
import { describe, expect, test } from 'vitest';
import { Rng, tf, useBackend } from '@llmkit/core';
import { CausalLM, MaskedLM, SentenceOrder, combine, computeLoss, type SegmentPair } from '../src/index.js';
import { Bigram, TinyEncoder } from './models.js';

const V = 50;
const pairs: SegmentPair[] = Array.from({ length: 6 }, (_, k) => ({ a: [4 + k, 10 + k, 20 + k], b: [30 + k, 40 + k] }));
const objective = combine([new SentenceOrder({ clsTokenId: 1, sepTokenId: 2 }), new MaskedLM({ vocabSize: V, maskTokenId: 3, specialTokenIds: [0, 1, 2, 3], maskProbability: 0.4 })]);

/** Prepares with seed 7, then one forward + backward step on a fresh model (the same weights on every backend). */
function run(backend: string) {
  expect(tf.getBackend()).toBe(backend);
  const prepared = objective.prepare({ pairs }, new Rng(7));
  const model = new TinyEncoder(V);
  const before = tf.memory().numTensors;
  const step = () => {
    let parts: Record<string, number> = {};
    const { value, grads } = tf.variableGrads(() => {
      const result = computeLoss((x) => model.forward(x), objective, prepared);
      parts = Object.fromEntries(Object.entries(result.parts!).map(([k, t]) => [k, t.dataSync()[0]!]));
      return result.loss;
    });
    const out = { loss: value.dataSync()[0]!, parts, grads: Object.fromEntries(model.namedParameters().map(([n, p]) => [n, Array.from(grads[p.name]!.dataSync())])) };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  };
  const first = step();
  step();
  const leaked = tf.memory().numTensors - before;
  model.dispose();
  return { backend, prepared, ...first, leaked };
}

describe('objectives on wasm', () => {
  test('the same seed prepares the same batch, and losses match cpu to 1e-5, gradients to 1e-3 relative', async () => {
    await useBackend('cpu');
    const cpu = run('cpu');
    await useBackend('wasm');
    const wasm = run('wasm');
    expect(wasm.prepared).toEqual(cpu.prepared);
    expect(wasm.leaked).toBe(0);
    expect(wasm.loss).toBeCloseTo(cpu.loss, 5);
    expect(wasm.parts.mlm!).toBeCloseTo(cpu.parts.mlm!, 5);
    expect(wasm.parts.sop!).toBeCloseTo(cpu.parts.sop!, 5);
    for (const [name, g] of Object.entries(cpu.grads)) {
      const w = wasm.grads[name]!;
      const worst = Math.max(...g.map((x, i) => Math.abs(x - w[i]!) / (1e-5 + Math.abs(x))));
      expect(worst, name).toBeLessThan(1e-3);
      expect(g.some((x) => x !== 0), name).toBe(true);
    }
  });

  test('CausalLM runs on wasm and leaks nothing', async () => {
    await useBackend('wasm');
    const clm = new CausalLM();
    const model = new Bigram(V);
    const prepared = clm.prepare({ batchSize: 2, length: 4, inputIds: [5, 6, 7, 8, 9, 10, 0, 0], attentionMask: [1, 1, 1, 1, 1, 1, 0, 0] });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.variableGrads(() => computeLoss((x) => model.forward(x), clm, prepared).loss);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
