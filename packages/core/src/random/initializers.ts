// Parameter initializers: float32 tensors built from JS-generated Float32Arrays, so one seed
// gives bit-identical weights on every tfjs backend (no backend RNG is involved).
import * as tf from '@tensorflow/tfjs-core';
import { requireBackend } from '../backend/registry.js';
import { ConfigError, ShapeError } from '../errors.js';
import type { Rng } from './rng.js';

/** Builds a tensor of the given shape from a generator; layers take these as options. */
export type Initializer = (shape: number[], rng: Rng) => tf.Tensor;

export interface UniformOptions {
  /** Lower bound (inclusive). Default 0, as `torch.nn.init.uniform_`. */
  low?: number;
  /** Upper bound (exclusive). Default 1. */
  high?: number;
}

export interface NormalOptions {
  /** Default 0. */
  mean?: number;
  /** Standard deviation, >= 0. Default 1, as `torch.nn.init.normal_`. */
  std?: number;
}

export interface TruncatedNormalOptions extends NormalOptions {
  /** Lower cut-off, an absolute value (not in units of std). Default -2, as PyTorch. */
  a?: number;
  /** Upper cut-off, an absolute value (not in units of std). Default 2, as PyTorch. */
  b?: number;
}

/** Consecutive rejections after which truncatedNormal gives up on a degenerate [a, b]. */
const MAX_REJECTIONS = 10_000;

function sizeOf(shape: number[], what: string): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError(`${what}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const size = shape.reduce((a, d) => a * d, 1);
  if (!Number.isSafeInteger(size)) {
    throw new ShapeError(`${what}: shape ${JSON.stringify(shape)} has too many elements (${size})`);
  }
  return size;
}

function checkRng(rng: Rng | undefined, what: string): Rng {
  if (rng === undefined || typeof rng.normal !== 'function') {
    throw new ConfigError(`${what}: options.rng must be an Rng, got ${rng === undefined ? 'undefined' : typeof rng}`);
  }
  return rng;
}

function fromValues(values: Float32Array, shape: number[]): tf.Tensor {
  // Usually a model's first tensor: without a backend, llmkit's error rather than tfjs's.
  requireBackend('initializing parameters');
  return tf.tensor(values, shape, 'float32');
}

/** A float32 tensor of zeros. */
export function zeros(shape: number[]): tf.Tensor {
  return fromValues(new Float32Array(sizeOf(shape, 'zeros')), shape);
}

/** A float32 tensor of ones. */
export function ones(shape: number[]): tf.Tensor {
  return fromValues(new Float32Array(sizeOf(shape, 'ones')).fill(1), shape);
}

/** Samples of U[low, high) (see {@link Rng.uniformArray}), like `torch.nn.init.uniform_`. */
export function uniform(shape: number[], options: UniformOptions & { rng: Rng }): tf.Tensor {
  const { low = 0, high = 1 } = options;
  const rng = checkRng(options.rng, 'uniform');
  return fromValues(rng.uniformArray(sizeOf(shape, 'uniform'), low, high), shape);
}

/** Samples of N(mean, std²) (see {@link Rng.normalArray}), like `torch.nn.init.normal_`. */
export function normal(shape: number[], options: NormalOptions & { rng: Rng }): tf.Tensor {
  const { mean = 0, std = 1 } = options;
  const rng = checkRng(options.rng, 'normal');
  return fromValues(rng.normalArray(sizeOf(shape, 'normal'), mean, std), shape);
}

/**
 * Samples of N(mean, std²) restricted to [a, b], with `torch.nn.init.trunc_normal_`'s
 * semantics: a sample outside [a, b] is redrawn. The bounds are absolute values, not multiples
 * of std, and default to PyTorch's a = -2, b = 2: with GPT-2's std = 0.02 they cut nothing
 * (pass `a: -2 * std, b: 2 * std` for the usual two-sigma truncation). PyTorch draws by the
 * inverse CDF; this draws by rejection, the same distribution but not the same numbers.
 * Throws a ConfigError if 10,000 draws in a row fall outside [a, b].
 */
export function truncatedNormal(shape: number[], options: TruncatedNormalOptions & { rng: Rng }): tf.Tensor {
  const { mean = 0, std = 1, a = -2, b = 2 } = options;
  const rng = checkRng(options.rng, 'truncatedNormal');
  const n = sizeOf(shape, 'truncatedNormal');
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
    throw new ConfigError(`truncatedNormal: expected finite mean and std >= 0, got mean=${mean}, std=${std}`);
  }
  if (Number.isNaN(a) || Number.isNaN(b) || !(a < b)) {
    throw new ConfigError(`truncatedNormal: expected bounds a < b, got a=${a}, b=${b}`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let rejected = 0;
    for (;;) {
      // Bounds are checked on the float32 value that is stored, so every stored value is in [a, b].
      const v = Math.fround(mean + std * rng.normal());
      if (v >= a && v <= b) {
        out[i] = v;
        break;
      }
      if (++rejected === MAX_REJECTIONS) {
        throw new ConfigError(
          `truncatedNormal: bounds [a=${a}, b=${b}] hold almost none of N(mean=${mean}, std=${std}): ` +
            `${MAX_REJECTIONS} draws in a row fell outside`,
        );
      }
    }
  }
  return fromValues(out, shape);
}

/** An {@link Initializer} of zeros (biases, LayerNorm shifts). */
export function zerosInitializer(): Initializer {
  return (shape) => zeros(shape);
}

/** An {@link Initializer} of ones (LayerNorm scales). */
export function onesInitializer(): Initializer {
  return (shape) => ones(shape);
}

/** An {@link Initializer} drawing U[low, high). */
export function uniformInitializer(options: UniformOptions = {}): Initializer {
  return (shape, rng) => uniform(shape, { ...options, rng });
}

/** An {@link Initializer} drawing N(mean, std²), e.g. GPT-2's `normalInitializer({ std: 0.02 })`. */
export function normalInitializer(options: NormalOptions = {}): Initializer {
  return (shape, rng) => normal(shape, { ...options, rng });
}

/** An {@link Initializer} drawing N(mean, std²) truncated to [a, b] (see {@link truncatedNormal}). */
export function truncatedNormalInitializer(options: TruncatedNormalOptions = {}): Initializer {
  return (shape, rng) => truncatedNormal(shape, { ...options, rng });
}
