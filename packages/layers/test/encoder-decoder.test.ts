// The encoder-decoder: causal decoder, cached decoding, padding of the source, gradients reach
// every parameter, checkpoint round trip; on the cpu backend.
import '@llmkit/backend-cpu';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { softmaxCrossEntropy, tf, useBackend } from '@llmkit/core';
import { EncoderDecoder, type EncoderDecoderConfig } from '../src/index.js';
import { maxAbsError } from './reference.js';

const CONFIG: EncoderDecoderConfig = { vocabSize: 30, dModel: 24, encoderLayers: 2, decoderLayers: 2, attentionHeads: 4, ffnDim: 40, seed: 5 };
const ids = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');
const token = fc.integer({ min: 0, max: 29 });

let model: EncoderDecoder;
beforeAll(async () => {
  await useBackend('cpu');
  model = new EncoderDecoder(CONFIG).eval();
});
afterAll(() => model?.dispose());

const logits = (src: number[][], tgt: number[][], srcMask?: number[][]) =>
  tf.tidy(() => model.forward({ inputIds: ids(src), attentionMask: srcMask ? ids(srcMask) : undefined, decoderInputIds: ids(tgt) }).logits.arraySync() as number[][][]);

describe('EncoderDecoder', () => {
  it('causal decoder: logits at t do not depend on target tokens after t', () => {
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 6 }), fc.array(token, { minLength: 2, maxLength: 6 }), fc.nat(), token, (src, tgt, cut, other) => {
        const t = cut % (tgt.length - 1);
        const changed = tgt.map((x, i) => (i > t ? other : x));
        const a = logits([src], [tgt])[0]!.slice(0, t + 1).flat();
        const b = logits([src], [changed])[0]!.slice(0, t + 1).flat();
        expect(maxAbsError(a, b)).toBeLessThanOrEqual(1e-6);
      }),
      { numRuns: 8 },
    );
  });

  it('source padding (mask 0) leaves the target logits unchanged', () => {
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 6 }), fc.array(token, { minLength: 1, maxLength: 4 }), fc.array(token, { minLength: 1, maxLength: 5 }), (src, pads, tgt) => {
        const a = logits([src], [tgt]).flat(2);
        const b = logits([[...src, ...pads]], [tgt], [[...src.map(() => 1), ...pads.map(() => 0)]]).flat(2);
        expect(maxAbsError(a, b)).toBeLessThanOrEqual(1e-5);
      }),
      { numRuns: 8 },
    );
  });

  it('KV-cached decoding (self and cross attention) equals full recomputation', () => {
    const src = [[3, 4, 5, 6]];
    const tgt = [[1, 7, 8, 9, 10]];
    const full = logits(src, tgt)[0]!;
    const cache = model.createCache();
    const enc = tf.keep(model.encode({ inputIds: ids(src) }));
    const steps: number[][] = [];
    for (let i = 0; i < tgt[0]!.length; i++) {
      const out = tf.tidy(() => model.forward({ inputIds: ids(src), decoderInputIds: ids([[tgt[0]![i]!]]), encoderHiddenStates: enc, cache }).logits.arraySync() as number[][][]);
      steps.push(out[0]![0]!);
    }
    cache.dispose();
    enc.dispose();
    expect(maxAbsError(steps.flat(), full.flat())).toBeLessThanOrEqual(2e-5);
  });

  it('gradients reach every parameter, and a step leaves numTensors unchanged', () => {
    const params = model.namedParameters();
    expect(params[0]![0]).toBe('model.shared.weight');
    const run = () => {
      const { value, grads } = tf.variableGrads(
        () => softmaxCrossEntropy(model.forward({ inputIds: ids([[1, 2, 3]]), decoderInputIds: ids([[4, 5]]) }).logits, ids([[5, 6]])) as tf.Scalar,
        params.map(([, v]) => v),
      );
      const missing = params.filter(([, v]) => !grads[v.name]).map(([n]) => n);
      tf.dispose([value, ...Object.values(grads)]);
      return missing;
    };
    expect(run()).toEqual([]);
    const before = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('save -> load round trip gives identical logits; the shared table is stored once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmkit-seq2seq-'));
    try {
      await model.save(dir);
      const loaded = (await EncoderDecoder.load(dir)).eval();
      expect([...loaded.stateDict().keys()]).toEqual([...model.stateDict().keys()]);
      const x = { inputIds: ids([[1, 2]]), decoderInputIds: ids([[3]]) };
      expect(tf.tidy(() => maxAbsError(loaded.forward(x).logits.dataSync(), model.forward(x).logits.dataSync()))).toBe(0);
      loaded.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
