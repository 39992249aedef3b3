// The `Layout` struct of kernels/llmkit.cuh, packed for a launch: an iteration shape and up to three
// operands' element strides (0 on a broadcast dimension), rank <= 6. Byte layout: int rank,
// int shape[6], int stride[3][6] (little-endian int32, 100 bytes).
import { ShapeError } from '@llmkit/core';

export const MAX_RANK = 6;
export const LAYOUT_BYTES = 4 * (1 + MAX_RANK + 3 * MAX_RANK);

/** Row-major strides of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1]! * shape[d + 1]!;
  return s;
}

/** numpy broadcasting of `shapes` to one output shape; a ShapeError names the clash. */
export function broadcastShape(...shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d !== 1 && dim !== 1 && d !== dim) {
        throw new ShapeError(`cannot broadcast shapes ${shapes.map((x) => `[${x.join(', ')}]`).join(' and ')}: dimension ${i} is ${dim} vs ${d}`);
      }
      if (d !== 1) dim = d;
    }
    out.push(dim);
  }
  return out;
}

/** Strides of an operand of `shape` read through the broadcast output shape `out` (0 where broadcast). */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const own = contiguousStrides(shape);
  return out.map((_, i) => {
    const j = shape.length - out.length + i;
    return j < 0 || shape[j] === 1 ? 0 : own[j]!;
  });
}

/** Packs an iteration shape and up to three operands' strides into the kernels' Layout struct. */
export function packLayout(shape: readonly number[], strides: readonly (readonly number[])[]): Uint8Array {
  if (shape.length > MAX_RANK) throw new ShapeError(`the cuda kernels address tensors of rank <= ${MAX_RANK}; got rank ${shape.length} ([${shape.join(', ')}])`);
  if (strides.length > 3) throw new ShapeError(`a Layout holds at most 3 operands; got ${strides.length}`);
  const bytes = new Uint8Array(LAYOUT_BYTES);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, shape.length, true);
  shape.forEach((d, i) => v.setInt32(4 * (1 + i), d, true));
  strides.forEach((s, k) => {
    if (s.length !== shape.length) throw new ShapeError(`operand ${k}'s strides have rank ${s.length}; the iteration shape has ${shape.length}`);
    s.forEach((x, i) => v.setInt32(4 * (1 + MAX_RANK + k * MAX_RANK + i), x, true));
  });
  return bytes;
}
