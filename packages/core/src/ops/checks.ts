// Argument checks shared by the composite ops: errors name the op, the argument, expected and actual.
import type { Tensor } from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors.js';

export function assertRankAtLeast(op: string, name: string, t: Tensor, rank: number): void {
  if (t.rank < rank) {
    throw new ShapeError(`${op}: '${name}' must have rank >= ${rank}; got shape [${t.shape.join(', ')}]`);
  }
}

export function assertFloat(op: string, name: string, t: Tensor): void {
  if (t.dtype !== 'float32') throw new ShapeError(`${op}: '${name}' must be float32; got ${t.dtype}`);
}

export function assertInt(op: string, name: string, t: Tensor): void {
  if (t.dtype !== 'int32') throw new ShapeError(`${op}: '${name}' must be int32; got ${t.dtype}`);
}

export function assertShape(op: string, name: string, t: Tensor, expected: readonly number[]): void {
  if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      `${op}: '${name}' must have shape [${expected.join(', ')}]; got [${t.shape.join(', ')}]`,
    );
  }
}

export function lastDim(t: Tensor): number {
  return t.shape[t.rank - 1] as number;
}
