// Perplexity against transformers (fixtures/generation.json, scripts/generate_generation_fixtures.py):
// the sliding-window perplexity of HF's docs on gpt2-tiny for several (maxLength, stride), each
// window weighted by the tokens it scored; pseudo-perplexity from bert-tiny's MLM head. Tolerance
// 1e-5 relative on the mean NLL (float32 logits, float64 sums).
import '@llmkit/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@llmkit/core';
import { BERT, GPT } from '@llmkit/layers';
import { perplexity, pseudoPerplexity, textPerplexity } from '../src/index.js';
import { loadJson, MODELS_DIR } from './fixtures.js';

const ref = loadJson('generation.json');

describe(`perplexity vs transformers ${ref.meta.transformers}`, () => {
  let gpt: GPT;
  let bert: BERT;
  beforeAll(async () => {
    await useBackend('cpu');
    gpt = await GPT.load(`${MODELS_DIR}gpt2-tiny`);
    bert = await BERT.load(`${MODELS_DIR}bert-tiny`);
  });
  afterAll(() => {
    gpt?.dispose();
    bert?.dispose();
  });

  for (const c of ref.perplexity.cases) {
    it(`sliding window: maxLength ${c.maxLength}, stride ${c.stride} (${c.tokensScored} tokens scored)`, async () => {
      const before = tf.memory().numTensors;
      const r = await perplexity(gpt, ref.perplexity.tokens, { maxLength: c.maxLength, stride: c.stride });
      expect(tf.memory().numTensors).toBe(before);
      expect(r.tokensScored).toBe(c.tokensScored);
      expect(Math.abs(r.nll - c.nll) / c.nll).toBeLessThan(1e-5);
      expect(Math.abs(r.perplexity - c.perplexity) / c.perplexity).toBeLessThan(1e-4);
    });
  }

  ref.pseudoPerplexity.forEach((c: any, i: number) => {
    it(`pseudo-perplexity of bert-tiny, case ${i} (mask ${c.maskTokenId}, skip [${c.skipPositions}])`, async () => {
      const before = tf.memory().numTensors;
      const r = await pseudoPerplexity(bert, c.tokens, { maskTokenId: c.maskTokenId, skipPositions: c.skipPositions, batchSize: 5 });
      expect(tf.memory().numTensors).toBe(before);
      r.tokenLogProbs.forEach((lp, j) => expect(Math.abs(lp - c.tokenLogProbs[j])).toBeLessThan(1e-5));
      expect(Math.abs(r.pseudoPerplexity - c.pseudoPerplexity) / c.pseudoPerplexity).toBeLessThan(1e-5);
    });
  });

  it('bits per character and byte: total NLL in bits over the text length', async () => {
    // A byte-level codec on ids < 97: every character is one byte and one token.
    const codec = { encodeIds: (t: string) => Array.from(new TextEncoder().encode(t)).map((b) => b % 97), decode: () => '' };
    const text = 'hello, ppl'; // 10 tokens + the prepended one fit one window
    const r = await textPerplexity(gpt, codec, text, { prependIds: [96] });
    expect(r.tokensScored).toBe(text.length);
    expect(r.bitsPerCharacter).toBeCloseTo(r.totalNll / Math.LN2 / text.length, 12);
    expect(r.bitsPerByte).toBeCloseTo(r.bitsPerCharacter, 12);
    const r2 = await perplexity(gpt, [96, ...codec.encodeIds(text)]);
    expect(r2.totalNll).toBeCloseTo(r.totalNll, 10);
  });

  it('bad options are ConfigErrors naming the field', async () => {
    await expect(perplexity(gpt, [1, 2, 3], { maxLength: 32 })).rejects.toThrow(/'maxLength' 32 exceeds the model's nPositions 16/);
    await expect(perplexity(gpt, [1, 2, 3], { stride: 0 })).rejects.toThrow(/'stride' must be an integer in \[1, maxLength = 16\]; got 0/);
    await expect(perplexity(gpt, [1])).rejects.toThrow(/'tokens' must be an array of at least 2 token ids/);
    await expect(pseudoPerplexity(bert, [1, 2], { maskTokenId: 500 })).rejects.toThrow(/'maskTokenId' must be a token id in \[0, 97\); got 500/);
  });
});
