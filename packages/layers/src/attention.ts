// Multi-head attention, self or cross, over core's scaledDotProductAttention (one fused kernel
// with its own gradient): causal and padding masks, rotary positions, dropout on the attention
// weights, and a KV cache for decoding. Its projections come in three HF layouts, so checkpoints
// load by name: GPT-2's fused Conv1D, BERT's query/key/value and BART's q/k/v/out_proj.
import { ConfigError, Module, ShapeError, scaledDotProductAttention, tf, type Initializer, type Rng } from '@llmkit/core';
import { boolean, isFunction, isObject, oneOf, optional, positiveInt, probability, validateConfig } from './config.js';
import { Dropout } from './dropout.js';
import { Conv1D, Linear } from './linear.js';
import type { RotaryEmbedding } from './rotary.js';

/**
 * Parameter layout, after the model family whose checkpoints it reads:
 * - `'gpt2'`: `c_attn` (Conv1D [C, 3C]: q, k, v side by side) and `c_proj`; cross attention has
 *   `q_attn` [C, C] and `c_attn` [C_ctx, 2C], as HF's GPT2Attention.
 * - `'bert'`: `query`, `key`, `value` (Linear [out, in]) and no output projection: BERT keeps it in
 *   `attention.output.dense`, beside the residual LayerNorm.
 * - `'bart'`: `q_proj`, `k_proj`, `v_proj`, `out_proj` (Linear), as BART, Marian and LLaMA.
 */
export type AttentionLayout = 'gpt2' | 'bert' | 'bart';

export interface MultiHeadAttentionOptions {
  /** Model width C (queries and output). */
  dModel: number;
  /** Heads; must divide dModel. */
  numHeads: number;
  /** Parameter layout (default `'bart'`). */
  layout?: AttentionLayout;
  /** Keys and values come from `context` instead of the input (default false). */
  crossAttention?: boolean;
  /** Width of `context` (default dModel). */
  contextDim?: number;
  /** Each query sees only keys up to its own position (default false; ignored for cross attention). */
  causal?: boolean;
  /** Dropout on the attention weights in training mode (default 0). */
  dropout?: number;
  /** Biases on the projections (default true). */
  bias?: boolean;
  /** Rotary positions applied to queries and keys (self attention only). */
  rotary?: RotaryEmbedding;
  /** Generator for the weights; dropout draws from a fork of it. */
  rng: Rng;
  /** Initializer of the input projections (default N(0, 0.02²)). */
  init?: Initializer;
  /** Initializer of the output projection (default `init`). GPT-2 scales it by 1/sqrt(2 n_layer). */
  outputInit?: Initializer;
}

export interface AttentionInputs {
  /** Keys to attend to, [B, Tk] of 0/1 or bool (1 = attend); with a cache, Tk counts the cached keys too. */
  mask?: tf.Tensor;
  /** [B, S, contextDim]: the encoder output, for cross attention. */
  context?: tf.Tensor;
  /** Keys and values of earlier steps; this call appends its own (inference only). */
  cache?: KVCache;
}

interface Entry {
  k: tf.Tensor;
  v: tf.Tensor;
}

/**
 * Keys and values of every attention layer of a model for the tokens decoded so far, [B, H, T, D]
 * per layer. Create one per generation (`model.createCache()`), pass it to each forward, and
 * dispose it at the end. Cached tensors are kept out of `tf.tidy` scopes; a forward with a cache
 * is for inference: do not take gradients through it.
 *
 * ```ts
 * const cache = new KVCache();
 * let { logits } = gpt.forward({ inputIds: prompt, cache });
 * ({ logits } = gpt.forward({ inputIds: nextToken, cache }));   // attends to the whole prefix
 * cache.dispose();
 * ```
 */
export class KVCache {
  private readonly self = new Map<object, Entry>();
  private readonly cross = new Map<object, Entry>();

  /** Positions cached so far (the offset of the next token). */
  get length(): number {
    let n = 0;
    for (const { k } of this.self.values()) n = Math.max(n, k.shape[2] as number);
    return n;
  }

  /** Positions cached for one layer (`owner` is the attention module). */
  lengthOf(owner: object): number {
    return (this.self.get(owner)?.k.shape[2] as number | undefined) ?? 0;
  }

  /** Appends this step's keys and values for `owner` and returns all of them. */
  append(owner: object, k: tf.Tensor, v: tf.Tensor): Entry {
    const old = this.self.get(owner);
    if (old && (old.k.shape[0] !== k.shape[0] || old.k.shape[1] !== k.shape[1] || old.k.shape[3] !== k.shape[3])) {
      throw new ShapeError(`KVCache.append: new keys [${k.shape.join(', ')}] do not continue the cached [${old.k.shape.join(', ')}]`);
    }
    const entry = old ? { k: tf.keep(tf.concat([old.k, k], 2)), v: tf.keep(tf.concat([old.v, v], 2)) } : { k: tf.keep(k), v: tf.keep(v) };
    if (old) tf.dispose([old.k, old.v]);
    this.self.set(owner, entry);
    return entry;
  }

  /** Cross-attention keys and values, computed once from the encoder output. */
  crossEntry(owner: object): Entry | undefined {
    return this.cross.get(owner);
  }

  setCrossEntry(owner: object, k: tf.Tensor, v: tf.Tensor): void {
    this.cross.set(owner, { k: tf.keep(k), v: tf.keep(v) });
  }

  /** Frees every cached tensor; the cache is empty (and reusable) afterwards. */
  dispose(): void {
    for (const map of [this.self, this.cross]) {
      for (const { k, v } of map.values()) tf.dispose([k, v]);
      map.clear();
    }
  }
}

/**
 * Multi-head attention: project, split into heads, attend (core's fused op), merge, project.
 * Projections run on [B*T, C] rows as 2-D matmuls.
 *
 * ```ts
 * const attn = new MultiHeadAttention({ dModel: 64, numHeads: 4, causal: true, rng: new Rng(0) });
 * const y = attn.forward(x, { mask: attentionMask });   // [B, T, 64]
 * ```
 */
export class MultiHeadAttention extends Module {
  readonly dModel: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly layout: AttentionLayout;
  readonly crossAttention: boolean;
  readonly contextDim: number;
  readonly causal: boolean;
  readonly rotary: RotaryEmbedding | undefined;
  /** Self attention: q, k, v from the same rows. */
  private readonly projectQKV: (x: tf.Tensor) => [tf.Tensor, tf.Tensor, tf.Tensor];
  /** Cross attention: q from the input, k and v from the context. */
  private readonly projectQ: (x: tf.Tensor) => tf.Tensor;
  private readonly projectKV: (context: tf.Tensor) => [tf.Tensor, tf.Tensor];
  private readonly output: ((x: tf.Tensor) => tf.Tensor) | undefined;
  private readonly attnDropout: Dropout;

  constructor(options: MultiHeadAttentionOptions) {
    super();
    const c = validateConfig('MultiHeadAttention', options, {
      dModel: [positiveInt, undefined],
      numHeads: [positiveInt, undefined],
      layout: [oneOf('gpt2', 'bert', 'bart'), 'bart'],
      crossAttention: [boolean, false],
      contextDim: [positiveInt, options.dModel],
      causal: [boolean, false],
      dropout: [probability, 0],
      bias: [boolean, true],
      rotary: [optional(isObject('a RotaryEmbedding')), null as unknown as RotaryEmbedding],
      rng: [isObject('an Rng'), undefined],
      init: [optional(isFunction('an Initializer')), null as unknown as Initializer],
      outputInit: [optional(isFunction('an Initializer')), null as unknown as Initializer],
    });
    if (c.dModel % c.numHeads !== 0) {
      throw new ConfigError(`MultiHeadAttention: 'dModel' must be divisible by 'numHeads' = ${c.numHeads}; got ${c.dModel}`);
    }
    this.dModel = c.dModel;
    this.numHeads = c.numHeads;
    this.headDim = c.dModel / c.numHeads;
    this.layout = c.layout;
    this.crossAttention = c.crossAttention;
    this.contextDim = c.contextDim;
    this.causal = c.causal && !c.crossAttention;
    this.rotary = c.rotary ?? undefined;
    if (this.rotary && (this.crossAttention || this.rotary.headDim !== this.headDim)) {
      throw new ConfigError(`MultiHeadAttention: 'rotary' needs self attention and headDim = ${this.headDim}; got ${this.crossAttention ? 'cross attention' : `headDim ${this.rotary.headDim}`}`);
    }
    const rng = c.rng;
    const lin = (name: string, nIn: number, nOut: number, init = c.init ?? undefined) =>
      this.registerModule(name, new Linear(nIn, nOut, { bias: c.bias, init, rng: rng.fork(name) }));
    const conv = (name: string, nIn: number, nOut: number, init = c.init ?? undefined) =>
      this.registerModule(name, new Conv1D(nIn, nOut, { bias: c.bias, init, rng: rng.fork(name) }));
    const C = c.dModel;
    const outInit = c.outputInit ?? c.init ?? undefined;

    const unused = (): never => {
      throw new ConfigError(`MultiHeadAttention: internal: projection not defined for ${c.crossAttention ? 'cross' : 'self'} attention`);
    };
    this.projectQKV = unused;
    this.projectQ = unused;
    this.projectKV = unused;
    if (c.layout === 'gpt2') {
      if (c.crossAttention) {
        const qAttn = conv('q_attn', C, C);
        const cAttn = conv('c_attn', c.contextDim, 2 * C);
        this.projectQ = (x) => qAttn.forward(x);
        this.projectKV = (ctx) => tf.split(cAttn.forward(ctx), 2, 1) as [tf.Tensor, tf.Tensor];
      } else {
        const cAttn = conv('c_attn', C, 3 * C);
        this.projectQKV = (x) => tf.split(cAttn.forward(x), 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      }
      const cProj = conv('c_proj', C, C, outInit);
      this.output = (x) => cProj.forward(x);
    } else {
      const [qn, kn, vn] = c.layout === 'bert' ? ['query', 'key', 'value'] : ['q_proj', 'k_proj', 'v_proj'];
      const q = lin(qn as string, C, C);
      const k = lin(kn as string, c.contextDim, C);
      const v = lin(vn as string, c.contextDim, C);
      this.projectQ = (x) => q.forward(x);
      this.projectKV = (ctx) => [k.forward(ctx), v.forward(ctx)];
      this.projectQKV = (x) => [q.forward(x), k.forward(x), v.forward(x)];
      if (c.layout === 'bart') {
        const out = lin('out_proj', C, C, outInit);
        this.output = (x) => out.forward(x);
      }
    }
    this.attnDropout = this.registerModule('attn_dropout', new Dropout(c.dropout, rng.fork('dropout')));
  }

  /** [N, C] rows of a [B, T] batch -> [B, H, T, D]. */
  private heads(rows: tf.Tensor, b: number, t: number): tf.Tensor {
    return tf.transpose(tf.reshape(rows, [b, t, this.numHeads, this.headDim]), [0, 2, 1, 3]);
  }

  /** x [B, T, C] -> [B, T, C]. */
  forward(x: tf.Tensor, inputs: AttentionInputs = {}): tf.Tensor {
    if (x.rank !== 3 || x.shape[2] !== this.dModel) {
      throw new ShapeError(`MultiHeadAttention.forward: x must be [B, T, ${this.dModel}]; got [${x.shape.join(', ')}]`);
    }
    const [b, t] = x.shape as [number, number, number];
    const { context, cache, mask } = inputs;
    if (this.crossAttention && !context) throw new ShapeError(`MultiHeadAttention.forward: cross attention needs 'context' [B, S, ${this.contextDim}]`);
    if (context && (context.rank !== 3 || context.shape[0] !== b || context.shape[2] !== this.contextDim)) {
      throw new ShapeError(`MultiHeadAttention.forward: 'context' must be [${b}, S, ${this.contextDim}]; got [${context.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const rows = tf.reshape(x, [b * t, this.dModel]);
      let q: tf.Tensor, k: tf.Tensor, v: tf.Tensor;
      if (this.crossAttention) {
        const ctx = context as tf.Tensor;
        const s = ctx.shape[1] as number;
        q = this.heads(this.projectQ(rows), b, t);
        const cached = cache?.crossEntry(this);
        if (cached) {
          ({ k, v } = cached);
        } else {
          const [kr, vr] = this.projectKV(tf.reshape(ctx, [b * s, this.contextDim]));
          k = this.heads(kr, b, s);
          v = this.heads(vr, b, s);
          cache?.setCrossEntry(this, k, v);
        }
      } else {
        const [qr, kr, vr] = this.projectQKV(rows);
        q = this.heads(qr, b, t);
        k = this.heads(kr, b, t);
        v = this.heads(vr, b, t);
        if (this.rotary) {
          const offset = cache ? cache.lengthOf(this) : 0;
          q = this.rotary.apply(q, offset);
          k = this.rotary.apply(k, offset);
        }
        if (cache) ({ k, v } = cache.append(this, k, v));
      }
      const y = scaledDotProductAttention(q, k, v, {
        causal: this.causal,
        mask,
        dropout: this.attnDropout.active ? this.attnDropout.rate : 0,
        rng: this.attnDropout.generator,
      });
      const merged = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [b * t, this.dModel]);
      const out = this.output ? this.output(merged) : merged;
      return tf.reshape(out, [b, t, this.dModel]);
    });
  }

  getConfig(): Omit<Required<MultiHeadAttentionOptions>, 'rng' | 'init' | 'outputInit' | 'rotary' | 'dropout' | 'bias'> & { dropout: number } {
    return {
      dModel: this.dModel,
      numHeads: this.numHeads,
      layout: this.layout,
      crossAttention: this.crossAttention,
      contextDim: this.contextDim,
      causal: this.causal,
      dropout: this.attnDropout.rate,
    };
  }
}
