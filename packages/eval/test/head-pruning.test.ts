// Attention-head pruning against transformers' prune_heads (fixtures/head-pruning.json, written by
// scripts/generate_head_pruning_fixtures.py): zeroing the heads gives the logits of the model with
// the heads removed, on gpt2-tiny and bert-tiny; the masks hold through updates and save/load.
import '@llmkit/backend-cpu';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, tf, useBackend } from '@llmkit/core';
import { BERT, GPT } from '@llmkit/layers';
import { HeadPruner } from '../src/index.js';
import { loadJson, MODELS_DIR } from './fixtures.js';

const ref = loadJson('head-pruning.json');
// float32 tfjs vs float32 PyTorch through 2 layers (the layers fidelity tests see ~5e-6).
const TOL = 2e-5;
const scratch = mkdtempSync(join(tmpdir(), 'llmkit-heads-pruned-'));
type Model = GPT | BERT;
const models: Record<string, { load(dir: string): Promise<Model> }> = { 'gpt2-tiny': GPT, 'bert-tiny': BERT };

beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const heads = (name: string) => Object.fromEntries(Object.entries(ref[name].heads as Record<string, number[]>).map(([k, v]) => [Number(k), v]));

/** Max |ours - transformers'| over the real tokens. */
function errorVsReference(model: Model, name: string): number {
  const r = ref[name];
  const ids = tf.tensor2d(r.input_ids, undefined, 'int32');
  const mask = tf.tensor2d(r.attention_mask, undefined, 'int32');
  const logits = model.forward({ inputIds: ids, attentionMask: mask }).logits.arraySync() as number[][][];
  let err = 0;
  (r.logits as number[][][]).forEach((row, i) => row.forEach((tok, t) => tok.forEach((x, v) => (err = Math.max(err, Math.abs(x - logits[i]![t]![v]!))))));
  tf.dispose([ids, mask]);
  return err;
}

describe.each(['gpt2-tiny', 'bert-tiny'])(`%s: head pruning equals transformers' prune_heads`, (name) => {
  it('zeroing the heads gives the logits of the model with them removed', async () => {
    const model = (await models[name]!.load(`${MODELS_DIR}${name}`)).eval();
    expect(errorVsReference(model, name)).toBeGreaterThan(0.1); // the unpruned model differs (fixture's max change: ref.max_change)
    const pruner = HeadPruner.prune(model, heads(name));
    expect(pruner.heads).toEqual(heads(name));
    expect(errorVsReference(model, name)).toBeLessThan(TOL);
    pruner.dispose();
    model.dispose();
  });

  it('kept through an update (callback) and through save/load (from zeros, and from the mask file)', async () => {
    const model = (await models[name]!.load(`${MODELS_DIR}${name}`)).eval();
    const pruner = HeadPruner.prune(model, heads(name));
    const before = tf.memory().numTensors;
    // An optimizer step moves every weight, the pruned ones too; the callback zeroes them again.
    for (const p of model.parameters()) {
      const moved = tf.add(p, 0.01);
      p.assign(moved);
      moved.dispose();
    }
    pruner.callback().onStep();
    expect(tf.memory().numTensors).toBe(before);
    for (const [n, m] of pruner.masks) {
      const w = (await model.namedParameters().find(([k]) => k === n)![1].data()) as Float32Array;
      const keep = (await m.data()) as Float32Array;
      expect(w.every((x, i) => (keep[i] === 0 ? x === 0 : x !== 0)), n).toBe(true);
    }
    expect((await HeadPruner.fromZeros(model)).heads).toEqual(heads(name));

    const fresh = (await models[name]!.load(`${MODELS_DIR}${name}`)).eval();
    const pruned = HeadPruner.prune(fresh, heads(name));
    await fresh.save(join(scratch, name));
    const file = join(scratch, `${name}.masks.safetensors`);
    await pruned.save(file);
    const loaded = (await models[name]!.load(join(scratch, name))).eval();
    expect((await HeadPruner.fromZeros(loaded)).heads).toEqual(heads(name));
    expect(errorVsReference(loaded, name)).toBeLessThan(TOL);
    const unpruned = (await models[name]!.load(`${MODELS_DIR}${name}`)).eval();
    expect((await HeadPruner.load(unpruned, file)).heads).toEqual(heads(name));
    expect(errorVsReference(unpruned, name)).toBeLessThan(TOL);
    for (const m of [model, fresh, loaded, unpruned]) m.dispose();
  });
});

describe('HeadPruner invariants and errors', () => {
  it('fromZeros(prune(heads)) recovers exactly the heads, for any choice (fast-check, seed 14)', async () => {
    const gpt = new GPT({ vocabSize: 11, nPositions: 4, nEmbd: 8, nLayer: 2, nHead: 4, seed: 3 });
    const original = new Map(gpt.namedParameters().map(([n, p]) => [n, tf.keep(p.clone())]));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }), { minLength: 2, maxLength: 2 }), async ([a, b]) => {
        for (const [n, p] of gpt.namedParameters()) p.assign(original.get(n)!);
        const chosen = Object.fromEntries([[0, a!], [1, b!]].filter(([, h]) => (h as number[]).length > 0).map(([l, h]) => [l, [...(h as number[])].sort()]));
        HeadPruner.prune(gpt, chosen).dispose();
        expect((await HeadPruner.fromZeros(gpt)).heads).toEqual(chosen);
      }),
      { seed: 14, numRuns: 30 },
    );
    tf.dispose([...original.values()]);
    gpt.dispose();
  });

  it('a layer or head out of range is a ConfigError naming it', async () => {
    const gpt = new GPT({ vocabSize: 11, nPositions: 4, nEmbd: 8, nLayer: 2, nHead: 4 });
    expect(() => HeadPruner.prune(gpt, { 2: [0] })).toThrow(ConfigError);
    expect(() => HeadPruner.prune(gpt, { 2: [0] })).toThrow(/layer 2 is not an attention layer of the model \(0\.\.1\)/);
    expect(() => HeadPruner.prune(gpt, { 0: [4] })).toThrow(/'heads\[0\]' must list head indices in \[0, 4\); got \[4\]/);
    expect(() => HeadPruner.prune({ namedParameters: () => [] }, { 0: [0] })).toThrow(/no GPT-2 .* or BERT .* attention weights/);
    gpt.dispose();
  });
});
