// Tolerance checks against reference values, with messages that say where and by how much.
import type { tf } from '@llmkit/core';
import type { TensorSpec } from './fixtures.js';

/** |actual - expected| <= atol + rtol * |expected|, elementwise. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

export interface Mismatch {
  index: number;
  actual: number;
  expected: number;
  maxAbsErr: number;
  count: number;
}

export function compareArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): Mismatch | null {
  let first: Mismatch | null = null;
  let maxAbsErr = 0;
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number, e = expected[i] as number;
    const err = Math.abs(a - e);
    if (err > maxAbsErr || Number.isNaN(err)) maxAbsErr = Number.isNaN(err) ? Infinity : err;
    if (!(err <= tol.atol + tol.rtol * Math.abs(e))) {
      count++;
      first ??= { index: i, actual: a, expected: e, maxAbsErr: 0, count: 0 };
    }
  }
  if (!first) return null;
  return { ...first, maxAbsErr, count };
}

function checkShape(actual: tf.Tensor, expected: TensorSpec, label: string): void {
  const shapeOk = actual.shape.length === expected.shape.length && actual.shape.every((d, i) => d === expected.shape[i]);
  if (!shapeOk) {
    throw new Error(`${label}: shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`);
  }
}

function checkValues(values: ArrayLike<number>, expected: TensorSpec, tol: Tolerance, label: string): void {
  const m = compareArrays(values, expected.data, tol);
  if (m) {
    throw new Error(
      `${label}: ${m.count}/${expected.data.length} values outside rtol=${tol.rtol}, atol=${tol.atol}; ` +
        `first at flat index ${m.index}: got ${m.actual}, expected ${m.expected}; max abs error ${m.maxAbsErr}`,
    );
  }
}

/**
 * Throws unless `actual` matches the fixture tensor in shape and (within `tol`) in values. Reads
 * with `dataSync()`: use {@link expectCloseAsync} on backends that cannot read synchronously
 * (webgpu in Node).
 */
export function expectClose(actual: tf.Tensor, expected: TensorSpec, tol: Tolerance, label: string): void {
  checkShape(actual, expected, label);
  checkValues(actual.dataSync() as Float32Array, expected, tol, label);
}

/**
 * {@link expectClose} with an asynchronous read (`await actual.data()`), so it works on every
 * backend, including those whose synchronous reads throw (webgpu in Node). Rejects with the same
 * messages. Does not dispose `actual`.
 */
export async function expectCloseAsync(actual: tf.Tensor, expected: TensorSpec, tol: Tolerance, label: string): Promise<void> {
  checkShape(actual, expected, label);
  checkValues((await actual.data()) as Float32Array, expected, tol, label);
}
