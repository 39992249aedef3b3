// The demo's sample is @llmkit/eval's generation run in windows over a GPT with fewer positions
// than the sample: each window must be exactly what the library generates from that window's context.
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, Rng, tf, useBackend } from '@llmkit/core';
import { generate } from '@llmkit/eval';
import { CharTrainer, charLevel } from '@llmkit/tokenizer';
import { demoModel } from '../src/model.mjs';
import { sampleText } from '../src/sample-text.mjs';

const TEXT = 'First Citizen:\nBefore we proceed any further, hear me speak.\n';

/** The whole streamed text, and the chunks it came in. */
async function collect(gen) {
  const chunks = [];
  for await (const c of gen) chunks.push(c);
  return { text: chunks.join(''), chunks };
}

describe('sampleText: @llmkit/eval generation in windows', () => {
  let tokenizer;
  let model; // 9 positions (block 8), so a 30-token sample takes several windows

  beforeAll(async () => {
    await useBackend('cpu');
    tokenizer = charLevel();
    await tokenizer.train([TEXT], new CharTrainer());
    model = demoModel(tokenizer, { block: 8, nEmbd: 16, nLayer: 1, nHead: 2, seed: 1 });
  });

  it('streams maxNewTokens characters past the position table; the same seed repeats it, another seed does not', async () => {
    const before = tf.memory().numTensors;
    const a = await collect(sampleText(model, tokenizer, '\n', { maxNewTokens: 30, temperature: 0.8, seed: 7 }));
    expect(a.text).toHaveLength(30);
    expect(a.chunks.length).toBe(30); // streamed token by token, not at the end
    expect((await collect(sampleText(model, tokenizer, '\n', { maxNewTokens: 30, temperature: 0.8, seed: 7 }))).text).toBe(a.text);
    expect((await collect(sampleText(model, tokenizer, '\n', { maxNewTokens: 30, temperature: 0.8, seed: 8 }))).text).not.toBe(a.text);
    expect(tf.memory().numTensors).toBe(before); // every window's KV cache is disposed
  });

  it('each window equals eval.generate on its context: the first from the prompt, then the last `keep` tokens', async () => {
    const seeds = new Rng(3).fork('sample');
    const { text } = await collect(sampleText(model, tokenizer, 'Fir', { maxNewTokens: 12, temperature: 0.9, topK: 5, topP: 0.95, seed: 3, keep: 4 }));
    const ids = Array.from(tokenizer.encodeIds(`Fir${text}`));
    const options = { temperature: 0.9, topK: 5, topP: 0.95 };
    // Window 1: prompt 'Fir' (3) + 6 new = 9 positions. Window 2: the last 4 tokens + 5 new. Window 3: 4 + 1.
    const w1 = await generate(model, ids.slice(0, 3), { ...options, maxNewTokens: 6, seed: seeds.nextUint32() });
    const w2 = await generate(model, ids.slice(5, 9), { ...options, maxNewTokens: 5, seed: seeds.nextUint32() });
    const w3 = await generate(model, ids.slice(10, 14), { ...options, maxNewTokens: 1, seed: seeds.nextUint32() });
    expect(ids.slice(3)).toEqual([...w1.tokens[0], ...w2.tokens[0], ...w3.tokens[0]]);
  });

  it('greedy (doSample false) windows are greedy continuations of their context', async () => {
    const { text } = await collect(sampleText(model, tokenizer, '\n', { maxNewTokens: 12, doSample: false, seed: 1 }));
    const ids = Array.from(tokenizer.encodeIds(`\n${text}`));
    const keep = 4; // the default: half of 9 positions
    const second = await generate(model, ids.slice(9 - keep, 9), { maxNewTokens: 4 });
    expect(ids.slice(9)).toEqual(second.tokens[0]);
  });

  it('bad settings are ConfigErrors naming the field', async () => {
    await expect(collect(sampleText(model, tokenizer, '\n', { maxNewTokens: 0, seed: 1 }))).rejects.toThrow(ConfigError);
    await expect(collect(sampleText(model, tokenizer, '\n', { maxNewTokens: 5, seed: 1, keep: 9 }))).rejects.toThrow(/'keep' must be an integer in \[1, 8\]/);
    await expect(collect(sampleText(model, tokenizer, '\n', { maxNewTokens: 5, seed: 1, topP: 1.5 }))).rejects.toThrow(ConfigError);
    await expect(collect(sampleText(model, tokenizer, '', { maxNewTokens: 5, seed: 1 }))).rejects.toThrow(/prompt "" has no tokens/);
  });
});
