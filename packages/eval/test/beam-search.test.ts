// Branches of beamSearch that the transformers parity cases (test/generation.test.ts) do not reach:
// option checks, left padding on a model without position ids, the stop when every candidate hits
// the length limit, one beam, decoded text, eval mode and tensor hygiene. On gpt2-tiny.
import '@llmkit/backend-cpu';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, tf, useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { beamSearch, generate, type CausalLM, type TextCodec } from '../src/index.js';
import { MODELS_DIR } from './fixtures.js';

/** Log-probabilities of the next token after `prompt`, recomputed without a cache. */
function nextLogProbs(model: GPT, prompt: number[]): number[] {
  return tf.tidy(() => {
    const { logits } = model.forward({ inputIds: tf.tensor2d([prompt], undefined, 'int32') });
    return (tf.logSoftmax(logits).arraySync() as number[][][])[0]!.at(-1)!;
  });
}

describe('beamSearch branches', () => {
  let model: GPT;
  beforeAll(async () => {
    await useBackend('cpu');
    model = await GPT.load(`${MODELS_DIR}gpt2-tiny`);
    model.eval();
  });
  afterAll(() => model?.dispose());

  it('rejects sampling options and out-of-range beam options with a ConfigError naming the option', async () => {
    for (const key of ['doSample', 'temperature', 'topK', 'topP', 'minP', 'stopStrings'] as const) {
      await expect(beamSearch(model, [1, 2], { [key]: key === 'stopStrings' ? ['x'] : 1 } as never)).rejects.toThrow(new RegExp(`'${key}' is not supported by beam search`));
    }
    await expect(beamSearch(model, [1, 2], { numBeams: 0 })).rejects.toThrow(/'numBeams' must be a positive integer; got 0/);
    await expect(beamSearch(model, [1, 2], { numBeams: 2.5 })).rejects.toThrow(ConfigError);
    await expect(beamSearch(model, [1, 2], { lengthPenalty: Number.NaN })).rejects.toThrow(/'lengthPenalty' must be a finite number; got NaN/);
    await expect(beamSearch(model, [1, 2], { earlyStopping: 'sometimes' as never })).rejects.toThrow(/'earlyStopping' must be true, false or 'never'; got sometimes/);
    await expect(beamSearch(model, [1, 2], { numBeams: 2, numReturnSequences: 3 })).rejects.toThrow(/'numReturnSequences' must be an integer in \[1, numBeams = 2\]; got 3/);
    await expect(beamSearch(model, [1, 2], { numReturnSequences: 0 })).rejects.toThrow(ConfigError);
  });

  it('prompts of different lengths on a model without position ids: a ConfigError, nothing allocated', async () => {
    // Only the CausalLM surface: no GPT-2 parts to compose a forward with explicit positions.
    const bare: CausalLM = { forward: (x) => model.forward(x), createCache: () => model.createCache(), config: model.config };
    const before = tf.memory().numTensors;
    await expect(beamSearch(bare, [[1, 2, 3], [4]], { numBeams: 2 })).rejects.toThrow(/prompts of different lengths need a model that takes position ids/);
    expect(tf.memory().numTensors).toBe(before);
    // Equal lengths are fine on the same model.
    const [beams] = await beamSearch(bare, [[1, 2, 3]], { numBeams: 2, maxNewTokens: 2 });
    expect(beams![0]!.tokens).toHaveLength(2);
  });

  it('maxNewTokens 1: every candidate hits the length limit at the first step; the beams are the top tokens by log-probability', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 95 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 4 }), async (prompt, numBeams) => {
        const [beams] = await beamSearch(model, prompt, { numBeams, numReturnSequences: numBeams, maxNewTokens: 1, eosTokenId: null });
        const lp = nextLogProbs(model, prompt);
        const best = lp.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, numBeams);
        expect(beams!.map((b) => b.tokens)).toEqual(best.map(([, i]) => [i]));
        beams!.forEach((b, j) => expect(Math.abs(b.score - best[j]![0])).toBeLessThan(1e-5));
      }),
      { seed: 14, numRuns: 10 },
    );
  });

  it('one beam is greedy search (no eos, so the length limit ends both)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 95 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 6 }), async (prompt, maxNewTokens) => {
        const beam = (await beamSearch(model, prompt, { numBeams: 1, maxNewTokens, eosTokenId: null }))[0]![0]!;
        expect(beam.tokens).toEqual((await generate(model, prompt, { maxNewTokens, eosTokenId: null })).tokens[0]);
      }),
      { seed: 14, numRuns: 8 },
    );
  });

  it('with a tokenizer: text prompts in, each beam decoded', async () => {
    const chars: TextCodec = { encodeIds: (s) => Array.from(s, (c) => c.charCodeAt(0) - 32), decode: (ids) => String.fromCharCode(...Array.from(ids, (i) => i + 32)) };
    const [beams] = await beamSearch(model, 'hello', { tokenizer: chars, numBeams: 3, numReturnSequences: 3, maxNewTokens: 4, eosTokenId: null });
    for (const b of beams!) expect(b.text).toBe(chars.decode(b.tokens));
    const [fromIds] = await beamSearch(model, Array.from(chars.encodeIds('hello')), { numBeams: 3, numReturnSequences: 3, maxNewTokens: 4, eosTokenId: null });
    expect(fromIds!.map((b) => b.tokens)).toEqual(beams!.map((b) => b.tokens));
    expect(fromIds![0]!.text).toBeUndefined();
  });

  it('runs with dropout off and restores training mode; leaves no tensors', async () => {
    // gpt2-tiny has no dropout; this model drops half of every residual branch in training mode.
    const dropping = new GPT({ vocabSize: 50, nPositions: 16, nEmbd: 16, nLayer: 2, nHead: 2, residPdrop: 0.5, embdPdrop: 0.5, seed: 3 });
    const before = tf.memory().numTensors;
    dropping.eval();
    const [evalMode] = await beamSearch(dropping, [5, 6, 7], { numBeams: 3, numReturnSequences: 3, maxNewTokens: 5 });
    dropping.train();
    const [trainMode] = await beamSearch(dropping, [5, 6, 7], { numBeams: 3, numReturnSequences: 3, maxNewTokens: 5 });
    expect(trainMode).toEqual(evalMode);
    expect(dropping.training).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    dropping.dispose();
  });
});
