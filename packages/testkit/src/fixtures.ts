// Loads the PyTorch-generated fixtures in ../fixtures/ops (see fixtures/README.md) as tensors.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tf } from '@llmkit/core';

export interface TensorSpec {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  data: number[];
}

export interface FixtureCase {
  name: string;
  attrs: Record<string, unknown>;
  inputs: Record<string, TensorSpec>;
  outputs: Record<string, TensorSpec>;
  grads?: Record<string, TensorSpec>;
}

export interface FixtureFile {
  op: string;
  meta: { torch: string; numpy: string; generator: string };
  cases: FixtureCase[];
}

const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/ops/', import.meta.url));
const cache = new Map<string, FixtureFile>();

/** Reads `fixtures/ops/<op>.json`. */
export function loadFixture(op: string): FixtureFile {
  let f = cache.get(op);
  if (!f) {
    f = JSON.parse(readFileSync(`${FIXTURE_DIR}${op}.json`, 'utf8')) as FixtureFile;
    cache.set(op, f);
  }
  return f;
}

/** Makes a tensor from a fixture spec (float32 values are exact: JSON holds their shortest repr). */
export function toTensor(spec: TensorSpec): tf.Tensor {
  if (spec.dtype === 'float32') return tf.tensor(Float32Array.from(spec.data), spec.shape, 'float32');
  if (spec.dtype === 'int32') return tf.tensor(Int32Array.from(spec.data), spec.shape, 'int32');
  return tf.tensor(Uint8Array.from(spec.data), spec.shape, 'bool');
}
