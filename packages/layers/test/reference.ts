// Loads the HF reference checkpoints in packages/testkit/fixtures/models (written by
// generate_models.py from transformers' GPT2LMHeadModel and BertForPreTraining) and compares
// tensors against them with a stated tolerance, reporting the largest error.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tf } from '@llmkit/core';

// Read from testkit's folder rather than through @llmkit/testkit: its published files ship only the
// op fixtures (fixtures/ops), not these model checkpoints.
export interface TensorSpec {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  data: number[];
}

/** |actual - expected| <= atol + rtol * |expected|, elementwise. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

export function toTensor(spec: TensorSpec): tf.Tensor {
  if (spec.dtype === 'float32') return tf.tensor(Float32Array.from(spec.data), spec.shape, 'float32');
  if (spec.dtype === 'int32') return tf.tensor(Int32Array.from(spec.data), spec.shape, 'int32');
  return tf.tensor(Uint8Array.from(spec.data), spec.shape, 'bool');
}

function compareArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance) {
  let first: { index: number; actual: number; expected: number } | undefined;
  let count = 0;
  let maxAbsErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const err = Math.abs(a - e);
    maxAbsErr = Number.isNaN(err) ? Infinity : Math.max(maxAbsErr, err);
    if (!(err <= tol.atol + tol.rtol * Math.abs(e))) {
      count++;
      first ??= { index: i, actual: a, expected: e };
    }
  }
  return first ? { ...first, count, maxAbsErr } : null;
}

export const MODELS_DIR = fileURLToPath(new URL('../../testkit/fixtures/models/', import.meta.url));

export interface ModelReference {
  model: string;
  architecture: string;
  meta: Record<string, string>;
  inputs: Record<string, TensorSpec>;
  outputs: Record<string, TensorSpec>;
  grads: Record<string, TensorSpec>;
}

export function loadReference(name: string): ModelReference {
  return JSON.parse(readFileSync(`${MODELS_DIR}${name}/reference.json`, 'utf8')) as ModelReference;
}

export function input(ref: ModelReference, key: string): tf.Tensor {
  const spec = ref.inputs[key];
  if (!spec) throw new Error(`reference ${ref.model} has no input '${key}'`);
  return toTensor(spec);
}

/** Largest |actual - expected| over the tensor. */
export function maxAbsError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs((actual[i] as number) - (expected[i] as number)));
  return max;
}

/** Throws unless `actual` matches `expected` in shape and within `tol`; returns the max abs error. */
export function expectMatches(actual: tf.Tensor, expected: TensorSpec, tol: Tolerance, label: string): number {
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    throw new Error(`${label}: shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`);
  }
  const data = actual.dataSync() as Float32Array;
  const m = compareArrays(data, expected.data, tol);
  if (m) {
    throw new Error(
      `${label}: ${m.count}/${expected.data.length} values outside rtol=${tol.rtol}, atol=${tol.atol}; ` +
        `first at flat index ${m.index}: got ${m.actual}, expected ${m.expected}; max abs error ${m.maxAbsErr}`,
    );
  }
  return maxAbsError(data, expected.data);
}
