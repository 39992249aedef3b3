// The demo's model takes its vocabulary size and bos/eos/pad ids from the tokenizer in one call
// (GPT.fromTokenizer): the checkpoint's config.json agrees with the tokenizer saved beside it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '@llmkit/core';
import { CharTrainer, charLevel } from '@llmkit/tokenizer';
import { demoModel } from '../src/model.mjs';

// Tiny sizes: the ids, not the architecture, are under test.
const SIZES = { block: 8, nEmbd: 8, nLayer: 1, nHead: 2, seed: 1 };
const TEXT = 'First Citizen:\nBefore we proceed any further, hear me speak.\n';

async function trainedCharLevel(specialTokens) {
  const tokenizer = charLevel();
  await tokenizer.train([TEXT], new CharTrainer({ specialTokens }));
  return tokenizer;
}

/** Saves the model and reads back the config.json a checkpoint would hold. */
async function savedConfig(model) {
  const dir = await mkdtemp(join(tmpdir(), 'llmkit-demo-model-'));
  try {
    await model.save(dir);
    return JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('demoModel: ids flow from the tokenizer', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  const models = [];
  afterAll(() => models.forEach((m) => m.dispose()));

  it("the demo's char-level tokenizer (no specials): config.json has its vocab_size and null bos/eos", async () => {
    const tokenizer = await trainedCharLevel([]);
    expect(tokenizer.tokenIds().bosTokenId).toBeUndefined();
    const model = demoModel(tokenizer, SIZES);
    models.push(model);
    const config = await savedConfig(model);
    expect(config.vocab_size).toBe(tokenizer.getVocabSize());
    expect(config.vocab_size).toBe(new Set(TEXT).size);
    expect(config.bos_token_id).toBeNull();
    expect(config.eos_token_id).toBeNull();
    expect(config.n_positions).toBe(SIZES.block + 1);
  });

  it("a tokenizer with <|endoftext|>: config.json's bos/eos are that token's id, vocab_size counts it", async () => {
    // CharTrainer numbers the specials first: id 0, which no default bos/eos (null, or GPT-2's 50256) equals.
    const tokenizer = await trainedCharLevel(['<|endoftext|>']);
    const id = tokenizer.tokenToId('<|endoftext|>');
    expect(id).toBe(0);
    const model = demoModel(tokenizer, SIZES);
    models.push(model);
    const config = await savedConfig(model);
    expect(config.vocab_size).toBe(new Set(TEXT).size + 1);
    expect(config.bos_token_id).toBe(id);
    expect(config.eos_token_id).toBe(id);
    // And the embedding table is that size.
    expect(model.getConfig().vocabSize).toBe(tokenizer.getVocabSize());
  });
});
