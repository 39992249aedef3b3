// The building blocks on their own: positions, attention layouts, feed-forward variants, blocks,
// dropout and option errors; on the cpu backend.
import '@llmkit/backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, Rng, tf, useBackend } from '@llmkit/core';
import {
  Dropout, FeedForward, KVCache, LayerNorm, MultiHeadAttention, RMSNorm, RotaryEmbedding, SinusoidalPositionEmbedding, TransformerBlock, TransformerStack,
} from '../src/index.js';
import { maxAbsError } from './reference.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const randn = (shape: number[], seed: number) => tf.tensor(new Rng(seed).normalArray(shape.reduce((a, b) => a * b, 1)), shape);

describe('positions', () => {
  it('sinusoidal: the paper formula, interleaved sin/cos', () => {
    const pe = new SinusoidalPositionEmbedding(8);
    const v = pe.forward(3, 5).arraySync() as number[][];
    expect(v[0]![0]).toBeCloseTo(Math.sin(5), 6);
    expect(v[0]![1]).toBeCloseTo(Math.cos(5), 6);
    expect(v[2]![2]).toBeCloseTo(Math.sin(7 / Math.pow(10000, 2 / 8)), 6);
    expect(pe.numParameters()).toBe(0);
  });

  it('rotary: q·k depends only on the distance between positions', () => {
    const rope = new RotaryEmbedding({ headDim: 8 });
    const q = randn([1, 1, 1, 8], 1);
    const k = randn([1, 1, 1, 8], 2);
    const score = (pq: number, pk: number) => tf.tidy(() => tf.sum(tf.mul(rope.apply(q, pq), rope.apply(k, pk))).dataSync()[0]!);
    fc.assert(
      fc.property(fc.nat(50), fc.nat(50), fc.nat(50), (a, b, shift) => {
        expect(score(a + shift, b + shift)).toBeCloseTo(score(a, b), 4);
      }),
      { numRuns: 20 },
    );
    expect(() => new RotaryEmbedding({ headDim: 7 })).toThrow("RotaryEmbedding: 'headDim' must be even; got 7");
  });
});

describe('MultiHeadAttention', () => {
  it('layouts name their parameters as HF does', () => {
    const names = (o: ConstructorParameters<typeof MultiHeadAttention>[0]) => new MultiHeadAttention(o).namedParameters().map(([n]) => n);
    const rng = new Rng(0);
    expect(names({ dModel: 6, numHeads: 2, layout: 'gpt2', rng })).toEqual(['c_attn.weight', 'c_attn.bias', 'c_proj.weight', 'c_proj.bias']);
    expect(names({ dModel: 6, numHeads: 2, layout: 'gpt2', crossAttention: true, contextDim: 4, rng })).toEqual(['q_attn.weight', 'q_attn.bias', 'c_attn.weight', 'c_attn.bias', 'c_proj.weight', 'c_proj.bias']);
    expect(names({ dModel: 6, numHeads: 2, layout: 'bert', rng })).toEqual(['query.weight', 'query.bias', 'key.weight', 'key.bias', 'value.weight', 'value.bias']);
    expect(names({ dModel: 6, numHeads: 2, bias: false, rng })).toEqual(['q_proj.weight', 'k_proj.weight', 'v_proj.weight', 'out_proj.weight']);
  });

  it('cross attention reads keys from the context; its cache computes them once', () => {
    const attn = new MultiHeadAttention({ dModel: 8, numHeads: 2, crossAttention: true, contextDim: 6, rng: new Rng(1) });
    const x = randn([2, 3, 8], 3);
    const ctx = randn([2, 5, 6], 4);
    const full = attn.forward(x, { context: ctx });
    expect(full.shape).toEqual([2, 3, 8]);
    const cache = new KVCache();
    const a = attn.forward(tf.slice(x, [0, 0, 0], [2, 2, 8]), { context: ctx, cache });
    const b = attn.forward(tf.slice(x, [0, 2, 0], [2, 1, 8]), { context: ctx, cache });
    expect(maxAbsError(tf.concat([a, b], 1).dataSync(), full.dataSync())).toBeLessThanOrEqual(1e-6);
    cache.dispose();
  });

  it('rotary attention with a KV cache equals the full causal pass', () => {
    const rope = new RotaryEmbedding({ headDim: 4 });
    const attn = new MultiHeadAttention({ dModel: 8, numHeads: 2, causal: true, rotary: rope, rng: new Rng(2) });
    const x = randn([1, 5, 8], 5);
    const full = attn.forward(x).dataSync();
    const cache = new KVCache();
    const parts = [attn.forward(tf.slice(x, [0, 0, 0], [1, 3, 8]), { cache }), attn.forward(tf.slice(x, [0, 3, 0], [1, 2, 8]), { cache })];
    expect(maxAbsError(tf.concat(parts, 1).dataSync(), full)).toBeLessThanOrEqual(1e-5);
    cache.dispose();
  });

  it('rejects bad options by name', () => {
    expect(() => new MultiHeadAttention({ dModel: 10, numHeads: 3, rng: new Rng(0) })).toThrow("MultiHeadAttention: 'dModel' must be divisible by 'numHeads' = 3; got 10");
    expect(() => new MultiHeadAttention({ dModel: 8, numHeads: 2, layout: 'llama' as never, rng: new Rng(0) })).toThrow(/'layout' must be one of "gpt2", "bert", "bart"; got "llama"/);
    expect(() => new MultiHeadAttention({ dModel: 8, numHeads: 2, dropout: 1.5, rng: new Rng(0) })).toThrow(ConfigError);
  });
});

describe('feed-forward, norms, blocks', () => {
  it('FeedForward: every activation keeps the shape; SwiGLU uses LLaMA names', () => {
    const x = randn([2, 3, 6], 6);
    for (const activation of ['relu', 'gelu', 'gelu_tanh', 'silu', 'swiglu'] as const) {
      expect(new FeedForward({ dModel: 6, dFF: 10, activation, rng: new Rng(0) }).forward(x).shape).toEqual([2, 3, 6]);
    }
    expect(new FeedForward({ dModel: 6, dFF: 10, activation: 'swiglu', bias: false, rng: new Rng(0) }).namedParameters().map(([n]) => n)).toEqual([
      'gate_proj.weight', 'up_proj.weight', 'down_proj.weight',
    ]);
    expect(new FeedForward({ dModel: 6, dFF: 10, layout: 'gpt2', rng: new Rng(0) }).namedParameters().map(([n]) => n)).toEqual(['c_fc.weight', 'c_fc.bias', 'c_proj.weight', 'c_proj.bias']);
  });

  it('LayerNorm and RMSNorm modules normalise the last axis', () => {
    const x = randn([4, 7], 7);
    const y = new LayerNorm(7).forward(x);
    expect(maxAbsError(tf.mean(y, 1).dataSync(), new Float32Array(4))).toBeLessThan(1e-5);
    const r = new RMSNorm(7).forward(x);
    expect(maxAbsError(tf.mean(tf.square(r), 1).dataSync(), new Float32Array(4).fill(1))).toBeLessThan(1e-4);
  });

  it('pre-LN and post-LN blocks differ; a post-LN output is normalised', () => {
    const x = randn([1, 4, 8], 8);
    const pre = new TransformerBlock({ dModel: 8, numHeads: 2, dFF: 16, norm: 'pre', rng: new Rng(3) }).eval();
    const post = new TransformerBlock({ dModel: 8, numHeads: 2, dFF: 16, norm: 'post', rng: new Rng(3) }).eval();
    const yPost = post.forward(x);
    expect(maxAbsError(pre.forward(x).dataSync(), yPost.dataSync())).toBeGreaterThan(1e-3);
    expect(maxAbsError(tf.mean(yPost, 2).dataSync(), new Float32Array(4))).toBeLessThan(1e-5);
    const stack = new TransformerStack({ numLayers: 2, dModel: 8, numHeads: 2, dFF: 16, rng: new Rng(3) });
    expect(stack.namedParameters().map(([n]) => n).at(-1)).toBe('layer_norm.bias');
    expect(stack.namedParameters()[0]![0]).toBe('layers.0.self_attn.q_proj.weight');
  });

  it('Dropout: seeded, identity in eval mode, scales the kept values by 1/(1-p)', () => {
    const x = tf.ones([1000]);
    const a = new Dropout(0.25, new Rng(9)).forward(x).dataSync();
    const b = new Dropout(0.25, new Rng(9)).forward(x).dataSync();
    expect(a).toEqual(b);
    const kept = Array.from(a).filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    expect(kept.length).toBeGreaterThan(700);
    expect(kept.length).toBeLessThan(800);
    expect(new Dropout(0.25, new Rng(9)).eval().forward(x)).toBe(x);
  });
});
