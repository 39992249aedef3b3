// Magnitude pruning against torch.nn.utils.prune on gpt2-tiny (fixtures/pruning.json, written by
// scripts/generate_pruning_fixtures.py): the same weights zeroed, globally and per matrix; masks
// re-applied after an update and kept through save/load.
import '@llmkit/backend-cpu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { MagnitudePruner } from '../src/index.js';
import { loadJson, MODELS_DIR } from './fixtures.js';

const ref = loadJson('pruning.json');
const load = () => GPT.load(`${MODELS_DIR}gpt2-tiny`);

async function zeroIndices(model: GPT): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [n, p] of model.namedParameters()) {
    if (!(n in ref.global)) continue;
    const v = (await p.data()) as Float32Array;
    out[n] = [...v.keys()].filter((i) => v[i] === 0);
  }
  return out;
}

describe(`magnitude pruning vs torch ${ref.meta.torch} prune (amount ${ref.meta.amount})`, () => {
  const disposables: { dispose(): void }[] = [];
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterEach(() => {
    for (const d of disposables.splice(0)) d.dispose();
  });

  for (const scope of ['global', 'perLayer'] as const) {
    it(`${scope}: the same weights zeroed as torch, and nothing else pruned`, async () => {
      const model = await load();
      const wteBefore = await model.transformer.wte.weight.data();
      const pruner = await MagnitudePruner.prune(model, { sparsity: ref.meta.amount, scope });
      disposables.push(model, pruner);
      expect([...pruner.masks.keys()].sort()).toEqual(Object.keys(ref[scope]).sort());
      expect(await zeroIndices(model)).toEqual(ref[scope]);
      expect(Array.from(await model.transformer.wte.weight.data())).toEqual(Array.from(wteBefore));
      const s = await pruner.sparsity();
      expect(Math.abs(s.overall - ref.meta.amount)).toBeLessThan(1e-3);
    });
  }

  it('masks are re-applied after an update (trainer callback) and survive save/load of weights and masks', async () => {
    const model = await load();
    const pruner = await MagnitudePruner.prune(model, { sparsity: 0.5, scope: 'perLayer' });
    disposables.push(model, pruner);
    const zerosBefore = await zeroIndices(model);
    // An "optimizer update" that moves every weight.
    for (const p of model.parameters()) {
      const moved = tf.add(p, 0.01);
      p.assign(moved);
      moved.dispose();
    }
    const before = tf.memory().numTensors;
    pruner.callback().onStep();
    expect(tf.memory().numTensors).toBe(before);
    expect(await zeroIndices(model)).toEqual(zerosBefore);

    const dir = mkdtempSync(join(tmpdir(), 'llmkit-prune-'));
    await model.save(dir);
    await pruner.save(join(dir, 'pruning-masks.safetensors'));
    const again = await GPT.load(dir);
    const fromFile = await MagnitudePruner.load(again, join(dir, 'pruning-masks.safetensors'));
    const fromZeros = await MagnitudePruner.fromZeros(again);
    disposables.push(again, fromFile, fromZeros);
    expect(await zeroIndices(again)).toEqual(zerosBefore);
    for (const [n, m] of pruner.masks) {
      expect(Array.from(await fromFile.masks.get(n)!.data())).toEqual(Array.from(await m.data()));
      expect(Array.from(await fromZeros.masks.get(n)!.data())).toEqual(Array.from(await m.data()));
    }
  });

  it('bad options are ConfigErrors naming the field', async () => {
    const model = await load();
    disposables.push(model);
    await expect(MagnitudePruner.prune(model, { sparsity: 1 })).rejects.toThrow(/'sparsity' must be a number in \[0, 1\); got 1/);
    await expect(MagnitudePruner.prune(model, { sparsity: 0.2, scope: 'rows' as never })).rejects.toThrow(/'scope' must be 'global' or 'perLayer'/);
    await expect(MagnitudePruner.prune(model, { sparsity: 0.2, include: () => false })).rejects.toThrow(/no parameter selected/);
  });
});
