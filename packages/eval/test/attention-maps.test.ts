// Attention maps against transformers' output_attentions on gpt2-tiny (fixtures/generation.json,
// scripts/generate_generation_fixtures.py). Tolerance 1e-5 on probabilities (float32).
import '@llmkit/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { attentionMaps } from '../src/index.js';
import { loadJson, MODELS_DIR } from './fixtures.js';

const ref = loadJson('generation.json');

describe(`attention maps vs transformers ${ref.meta.transformers} output_attentions`, () => {
  let gpt: GPT;
  beforeAll(async () => {
    await useBackend('cpu');
    gpt = await GPT.load(`${MODELS_DIR}gpt2-tiny`);
  });
  afterAll(() => gpt?.dispose());

  it('every layer and head, as plain arrays; no tensors left', async () => {
    const before = tf.memory().numTensors;
    const maps = await attentionMaps(gpt, ref.attentions.inputIds);
    expect(tf.memory().numTensors).toBe(before);
    expect(maps.length).toBe(ref.attentions.attentions.length);
    maps.forEach((layer, l) =>
      layer.forEach((head, h) => head.forEach((row, q) => row.forEach((p, k) => expect(Math.abs(p - ref.attentions.attentions[l][h][q][k])).toBeLessThan(1e-5)))),
    );
  });

  it('bad input is a ConfigError naming the field', async () => {
    await expect(attentionMaps(gpt, new Array(17).fill(1))).rejects.toThrow(/'inputIds' has 17 tokens; the model's nPositions is 16/);
    await expect(attentionMaps({} as never, [1])).rejects.toThrow(/'model' must be a GPT-2-layout model/);
  });
});
