// config.json written for models sized from a tokenizer's ids: equal to the committed files, which
// transformers 5.18 loads and builds without a warning (fixtures/hf-configs/check_configs.py
// recorded that; CI has no Python). GPT-2's default bos/eos 50256 never reaches a small vocabulary.
import '@llmkit/backend-cpu';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend, type Module } from '@llmkit/core';
import { BERT, GPT, configJson, type HFConfig } from '../src/index.js';

const DIR = new URL('./fixtures/hf-configs/', import.meta.url);
const UPDATE = process.env.LLMKIT_UPDATE_FIXTURES === '1';

/** file name -> the model (only its config.json is kept). */
const SPECS: Record<string, () => Module & { hfConfig(): HFConfig }> = {
  // A 55-character vocabulary with no bos/eos.
  'gpt-char-no-bos-eos.config.json': () => GPT.fromTokenizer({ vocabSize: 55 }, { nPositions: 16, nEmbd: 12, nLayer: 1, nHead: 2 }),
  // One end-of-text token used as bos and eos, and a pad token.
  'gpt-eos-pad.config.json': () => GPT.fromTokenizer({ vocabSize: 60, bosTokenId: 59, eosTokenId: 59, padTokenId: 0 }, { nPositions: 16, nEmbd: 12, nLayer: 1, nHead: 2 }),
  // A WordPiece trained here: [UNK] 0, [CLS] 1, [SEP] 2, [PAD] 3, [MASK] 4 (Google's [PAD] is 0).
  'bert-pad-3.config.json': () =>
    BERT.fromTokenizer({ vocabSize: 40, unkTokenId: 0, clsTokenId: 1, sepTokenId: 2, padTokenId: 3, maskTokenId: 4 }, { hiddenSize: 12, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 16 }),
  // No [PAD] at all.
  'bert-no-pad.config.json': () => BERT.fromTokenizer({ vocabSize: 40 }, { hiddenSize: 12, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 16 }),
};

const check = JSON.parse(readFileSync(new URL('transformers-check.json', DIR), 'utf8')) as {
  transformers: string;
  configs: Record<string, { sha256: string; warnings: string[] }>;
};

beforeAll(async () => {
  await useBackend('cpu');
});

describe('config.json of models built from tokenizer ids', () => {
  for (const [file, build] of Object.entries(SPECS)) {
    it(`${file}: as committed, and transformers ${check.transformers} loads it without a warning`, () => {
      const before = tf.memory().numTensors;
      const model = build();
      const text = configJson(model.hfConfig());
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
      if (UPDATE) writeFileSync(new URL(file, DIR), text);
      expect(text).toBe(readFileSync(new URL(file, DIR), 'utf8'));
      const recorded = check.configs[file];
      expect(recorded, `${file} missing from transformers-check.json: run check_configs.py`).toBeDefined();
      expect(recorded!.sha256, `${file} changed since check_configs.py ran`).toBe(createHash('sha256').update(text).digest('hex'));
      expect(recorded!.warnings).toEqual([]);
    });
  }

  it('ids the tokenizer lacks are null in config.json, never GPT-2 or BERT-base defaults', () => {
    const gpt = JSON.parse(readFileSync(new URL('gpt-char-no-bos-eos.config.json', DIR), 'utf8'));
    expect([gpt.vocab_size, gpt.bos_token_id, gpt.eos_token_id, gpt.pad_token_id]).toEqual([55, null, null, null]);
    const bert = JSON.parse(readFileSync(new URL('bert-pad-3.config.json', DIR), 'utf8'));
    expect([bert.vocab_size, bert.pad_token_id]).toEqual([40, 3]);
    expect(JSON.parse(readFileSync(new URL('bert-no-pad.config.json', DIR), 'utf8')).pad_token_id).toBe(null);
  });
});
