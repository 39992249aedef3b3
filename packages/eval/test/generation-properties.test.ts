// Invariants of generation (fast-check, fixed seed) on the gpt2-tiny checkpoint and on score rows:
// the KV cache changes nothing, filters bound the sampled token, seeds repeat, streamed text never
// splits a character, and nothing leaks.
import '@llmkit/backend-cpu';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, tf, useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { generate, MultinomialSampler, streamText, streamTokens, TextStreamDecoder, TopK, TopP, type TextCodec } from '../src/index.js';
import { MODELS_DIR } from './fixtures.js';

/** A byte-level codec: token id = one UTF-8 byte, decoded like a byte-level BPE (U+FFFD for incomplete bytes). */
const bytes: TextCodec = {
  encodeIds: (text) => Array.from(new TextEncoder().encode(text)),
  decode: (ids) => new TextDecoder().decode(Uint8Array.from(Array.from(ids))),
};

describe('generation properties on gpt2-tiny', () => {
  let model: GPT;
  beforeAll(async () => {
    await useBackend('cpu');
    model = await GPT.load(`${MODELS_DIR}gpt2-tiny`);
    model.eval();
  });
  afterAll(() => model?.dispose());

  it('decoding with the KV cache gives the logits of recomputing the whole sequence at every step (1e-4)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 96 }), { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 0, max: 96 }), { minLength: 1, maxLength: 8 }), async (prompt, continuation) => {
        const cache = model.createCache();
        const seq = [...prompt];
        let cached = model.forward({ inputIds: tf.tensor2d([prompt], undefined, 'int32'), cache }).logits;
        for (const token of continuation) {
          const full = model.forward({ inputIds: tf.tensor2d([seq], undefined, 'int32') }).logits;
          const a = tf.tidy(() => tf.slice(cached, [0, cached.shape[1]! - 1, 0], [1, 1, 97]));
          const b = tf.tidy(() => tf.slice(full, [0, seq.length - 1, 0], [1, 1, 97]));
          const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
          tf.dispose([a, b, full, cached]);
          expect(diff).toBeLessThan(1e-4);
          seq.push(token);
          cached = model.forward({ inputIds: tf.tensor2d([[token]], undefined, 'int32'), cache }).logits;
        }
        cached.dispose();
        cache.dispose();
      }),
      { seed: 14, numRuns: 8 },
    );
  });

  it('greedy generation with the cache equals greedy argmax over full recomputation', async () => {
    const prompt = [3, 14, 15, 92];
    const { tokens } = await generate(model, prompt, { maxNewTokens: 10, eosTokenId: null });
    const seq = [...prompt];
    for (let i = 0; i < 10; i++) {
      const next = tf.tidy(() => {
        const logits = model.forward({ inputIds: tf.tensor2d([seq], undefined, 'int32') }).logits;
        return tf.argMax(tf.slice(logits, [0, seq.length - 1, 0], [1, 1, 97]), 2).dataSync()[0]!;
      });
      seq.push(next);
    }
    expect(tokens[0]).toEqual(seq.slice(prompt.length));
  });

  it('the same seed repeats the same samples; no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    const opts = { maxNewTokens: 10, temperature: 1.3, topP: 0.95, seed: 7, eosTokenId: null } as const;
    const a = await generate(model, [[5, 6, 7], [8, 9, 10]], opts);
    const b = await generate(model, [[5, 6, 7], [8, 9, 10]], opts);
    expect(a.tokens).toEqual(b.tokens);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('streamTokens yields what generate returns, and leaves no tensors when the consumer stops early', async () => {
    const opts = { maxNewTokens: 8, eosTokenId: null };
    const streamed: number[] = [];
    for await (const t of streamTokens(model, [1, 2, 3], opts)) streamed.push(t);
    expect(streamed).toEqual((await generate(model, [1, 2, 3], opts)).tokens[0]);
    const before = tf.memory().numTensors;
    for await (const _ of streamTokens(model, [1, 2, 3], opts)) break;
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stop strings end a row once its text contains one', async () => {
    const full = await generate(model, [40, 41, 42], { maxNewTokens: 10, eosTokenId: null, tokenizer: bytes });
    const text = full.text![0]!;
    const stop = text.slice(3, 5);
    const r = await generate(model, [40, 41, 42], { maxNewTokens: 10, eosTokenId: null, tokenizer: bytes, stopStrings: [stop] });
    expect(r.finishReasons[0]).toBe('stop string');
    expect(r.text![0]!.endsWith(stop) || r.text![0]!.includes(stop)).toBe(true);
    expect(r.tokens[0]!.length).toBeLessThanOrEqual(5);
    expect(full.tokens[0]!.slice(0, r.tokens[0]!.length)).toEqual(r.tokens[0]);
  });

  it('streamText chunks concatenate to the decoded tokens', async () => {
    let text = '';
    for await (const chunk of streamText(model, [65, 66], { maxNewTokens: 8, eosTokenId: null, tokenizer: bytes })) text += chunk;
    const { tokens } = await generate(model, [65, 66], { maxNewTokens: 8, eosTokenId: null });
    expect(text).toBe(bytes.decode(tokens[0]!));
  });

  it('bad options are ConfigErrors naming the field', async () => {
    await expect(generate(model, [1, 2], { maxNewTokens: 0 })).rejects.toThrow(/'maxNewTokens' must be a positive integer; got 0/);
    await expect(generate(model, [1, 2], { maxNewTokens: 15 })).rejects.toThrow(/prompt \(2 tokens\) \+ 'maxNewTokens' \(15\) must fit the model's nPositions 16/);
    await expect(generate(model, [1, 200], { maxNewTokens: 5 })).rejects.toThrow(/prompt 0 token 1 must be an id in \[0, 97\); got 200/);
    await expect(generate(model, 'text', { maxNewTokens: 5 })).rejects.toThrow(/prompt 0 is text; pass 'tokenizer'/);
    await expect(generate(model, [1], { topP: 1.5, maxNewTokens: 5 })).rejects.toThrow(/TopP: 'p' must be in \(0, 1\]; got 1.5/);
    await expect(generate(model, [1], { stopStrings: ['x'], maxNewTokens: 5 })).rejects.toThrow(/'stopStrings' need a 'tokenizer'/);
  });
});

describe('sampling filters and streaming text (pure)', () => {
  const row = fc.array(fc.float({ min: -8, max: 8, noNaN: true }), { minLength: 2, maxLength: 30 });
  it('top-k never emits a token outside the k highest scores', () => {
    fc.assert(
      fc.property(row, fc.integer({ min: 1, max: 10 }), fc.integer(), (xs, k, seed) => {
        const scores = Float32Array.from(xs);
        const kth = [...scores].sort((a, b) => b - a)[Math.min(k, scores.length) - 1]!;
        const s = Float32Array.from(scores);
        new TopK(k).process(s);
        const t = new MultinomialSampler().select(s, new Rng(seed));
        expect(scores[t]! >= kth).toBe(true);
      }),
      { seed: 14, numRuns: 300 },
    );
  });
  it('top-p never emits a token outside the smallest set of top tokens reaching p', () => {
    fc.assert(
      fc.property(row, fc.double({ min: 0.05, max: 0.99, noNaN: true }), fc.integer(), (xs, p, seed) => {
        const scores = Float32Array.from(xs);
        const max = Math.max(...scores);
        const w = [...scores].map((x) => Math.exp(x - max));
        const z = w.reduce((a, b) => a + b, 0);
        const order = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || b - a);
        // Allowed: tokens whose probability mass strictly above them is < p (plus a 1e-9 margin for rounding).
        const allowed = new Set<number>();
        let above = 0;
        for (const i of order) {
          if (above < p + 1e-9) allowed.add(i);
          above += w[i]! / z;
        }
        const s = Float32Array.from(scores);
        new TopP(p).process(s);
        expect(allowed.has(new MultinomialSampler().select(s, new Rng(seed)))).toBe(true);
      }),
      { seed: 14, numRuns: 300 },
    );
  });
  it('streamed text never splits a UTF-8 character and concatenates to the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (text) => {
        const d = new TextStreamDecoder(bytes);
        let out = '';
        for (const id of bytes.encodeIds(text) as number[]) {
          const chunk = d.push(id);
          expect(chunk.includes('\ufffd')).toBe(false);
          expect(/[\ud800-\udbff]$/.test(chunk)).toBe(false);
          out += chunk;
        }
        out += d.flush();
        expect(out).toBe(text);
      }),
      { seed: 14, numRuns: 300 },
    );
  });
});
