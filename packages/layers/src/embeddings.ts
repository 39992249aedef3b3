// Token, token-type and position embeddings: learned (GPT-2, BERT) and sinusoidal (the original
// Transformer). Positions are returned as [T, C] and added by broadcasting, never tiled to [B, T, C].
import { Module, ShapeError, embedding, normalInitializer, tf, type Initializer, type Rng } from '@llmkit/core';
import { oneOf, positiveInt, positiveNumber, validateConfig } from './config.js';

export interface EmbeddingOptions {
  /** Initializer of the table (default N(0, 0.02²)). */
  init?: Initializer;
  rng: Rng;
}

function assertIds(where: string, ids: tf.Tensor): void {
  if (ids.dtype !== 'int32') throw new ShapeError(`${where}: ids must be int32; got ${ids.dtype}`);
}

/**
 * A lookup table `weight` [V, C] (torch.nn.Embedding). `forward(ids)` gathers rows with core's
 * `embedding` op (whose gradient is a scatter-add every backend has); `attend(h)` is the tied
 * output projection h Wᵀ that GPT-2's and BERT's LM heads use.
 *
 * ```ts
 * const wte = new TokenEmbedding(50257, 768, { rng });
 * const x = wte.forward(ids);        // [B, T] -> [B, T, 768]
 * const logits = wte.attend(h);      // [B, T, 768] -> [B, T, 50257]
 * ```
 */
export class TokenEmbedding extends Module {
  readonly weight: tf.Variable;

  constructor(
    readonly numEmbeddings: number,
    readonly dim: number,
    options: EmbeddingOptions,
  ) {
    super();
    validateConfig(new.target.name, { numEmbeddings, dim }, { numEmbeddings: [positiveInt, undefined], dim: [positiveInt, undefined] });
    const init = options.init ?? normalInitializer({ std: 0.02 });
    this.weight = this.registerParameter('weight', init([numEmbeddings, dim], options.rng));
  }

  forward(ids: tf.Tensor): tf.Tensor {
    assertIds(`${this.constructor.name}.forward`, ids);
    return embedding(this.weight, ids);
  }

  /** Scores of every row against `h` [..., C]: h Wᵀ, as one [N, C] x [C, V] matmul. */
  attend(h: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const rows = tf.reshape(h, [-1, this.dim]);
      const logits = tf.matMul(rows, this.weight, false, true);
      return tf.reshape(logits, [...h.shape.slice(0, -1), this.numEmbeddings]);
    });
  }

  getConfig(): { numEmbeddings: number; dim: number } {
    return { numEmbeddings: this.numEmbeddings, dim: this.dim };
  }
}

/** BERT's segment embedding: a small table indexed by token type (0 = sentence A, 1 = sentence B). */
export class TokenTypeEmbedding extends TokenEmbedding {}

/** What position embeddings have in common: [T, C] for positions offset..offset+T-1. */
export interface PositionEncoding {
  readonly dim: number;
  /** Position vectors [length, dim] for positions `offset`, …, `offset + length - 1`. */
  forward(length: number, offset?: number): tf.Tensor;
}

function checkRange(where: string, length: number, offset: number, max: number): void {
  if (!Number.isSafeInteger(length) || length < 1 || !Number.isSafeInteger(offset) || offset < 0) {
    throw new ShapeError(`${where}: expected an integer length >= 1 and offset >= 0; got length ${length}, offset ${offset}`);
  }
  if (offset + length > max) {
    throw new ShapeError(`${where}: positions ${offset}..${offset + length - 1} exceed the maximum of ${max} positions (0..${max - 1})`);
  }
}

/**
 * A learned position table `weight` [P, C] (GPT-2's `wpe`, BERT's `position_embeddings`).
 * Contiguous positions are a slice of the table, whose gradient is a pad, not a scatter.
 */
export class LearnedPositionEmbedding extends Module implements PositionEncoding {
  readonly weight: tf.Variable;

  constructor(
    readonly maxPositions: number,
    readonly dim: number,
    options: EmbeddingOptions,
  ) {
    super();
    validateConfig('LearnedPositionEmbedding', { maxPositions, dim }, { maxPositions: [positiveInt, undefined], dim: [positiveInt, undefined] });
    const init = options.init ?? normalInitializer({ std: 0.02 });
    this.weight = this.registerParameter('weight', init([maxPositions, dim], options.rng));
  }

  forward(length: number, offset = 0): tf.Tensor {
    checkRange('LearnedPositionEmbedding.forward', length, offset, this.maxPositions);
    return tf.slice(this.weight, [offset, 0], [length, this.dim]);
  }

  getConfig(): { maxPositions: number; dim: number } {
    return { maxPositions: this.maxPositions, dim: this.dim };
  }
}

export interface SinusoidalOptions {
  /** Positions it will be asked for (default 4096); only a bound for error messages. */
  maxPositions?: number;
  /** Wavelength base (default 10000, the paper's). */
  base?: number;
  /**
   * `'interleaved'` (default): sin at even and cos at odd channels, as in "Attention Is All You
   * Need". `'concat'`: all sines, then all cosines, as fairseq and Marian lay them out.
   */
  layout?: 'interleaved' | 'concat';
}

/**
 * The original Transformer's fixed encoding PE(p, 2i) = sin(p / base^(2i/C)),
 * PE(p, 2i+1) = cos(p / base^(2i/C)). No parameters; computed on the host in float64 and
 * rounded once to float32, so every backend gets the same bits.
 */
export class SinusoidalPositionEmbedding extends Module implements PositionEncoding {
  readonly maxPositions: number;
  readonly base: number;
  readonly layout: 'interleaved' | 'concat';

  constructor(
    readonly dim: number,
    options: SinusoidalOptions = {},
  ) {
    super();
    const config = validateConfig(
      'SinusoidalPositionEmbedding',
      { dim, ...options },
      { dim: [positiveInt, undefined], maxPositions: [positiveInt, 4096], base: [positiveNumber, 10000], layout: [oneOf('interleaved', 'concat'), 'interleaved'] },
    );
    if (dim % 2 !== 0) throw new ShapeError(`SinusoidalPositionEmbedding: 'dim' must be even; got ${dim}`);
    this.maxPositions = config.maxPositions;
    this.base = config.base;
    this.layout = config.layout;
  }

  forward(length: number, offset = 0): tf.Tensor {
    checkRange('SinusoidalPositionEmbedding.forward', length, offset, this.maxPositions);
    const half = this.dim / 2;
    const data = new Float32Array(length * this.dim);
    for (let t = 0; t < length; t++) {
      const p = offset + t;
      for (let i = 0; i < half; i++) {
        const angle = p / Math.pow(this.base, (2 * i) / this.dim);
        const [sinAt, cosAt] = this.layout === 'interleaved' ? [2 * i, 2 * i + 1] : [i, half + i];
        data[t * this.dim + sinAt] = Math.sin(angle);
        data[t * this.dim + cosAt] = Math.cos(angle);
      }
    }
    return tf.tensor2d(data, [length, this.dim]);
  }

  getConfig(): { dim: number; maxPositions: number; base: number; layout: 'interleaved' | 'concat' } {
    return { dim: this.dim, maxPositions: this.maxPositions, base: this.base, layout: this.layout };
  }
}
