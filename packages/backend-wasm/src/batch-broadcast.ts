// Batch dimensions of a batched matrix product broadcast as NumPy does: the output's batch shape,
// and for each output matrix the matrix of an operand it reads.
const size = (shape: readonly number[]) => shape.reduce((a, d) => a * d, 1);

/** Broadcast batch shape of two batch shapes, or null when they do not broadcast. */
export function broadcastBatch(x: readonly number[], y: readonly number[]): number[] | null {
  const rank = Math.max(x.length, y.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const dx = x[x.length - rank + i] ?? 1;
    const dy = y[y.length - rank + i] ?? 1;
    if (dx !== dy && dx !== 1 && dy !== 1) return null;
    out.push(dx === 1 ? dy : dx);
  }
  return out;
}

/** For each output batch item, the batch item of an operand with batch shape `own` (broadcast). */
export function batchIndex(own: readonly number[], out: readonly number[]): Int32Array {
  const count = size(out);
  const index = new Int32Array(count);
  const offset = out.length - own.length;
  for (let p = 0; p < count; p++) {
    let rest = p;
    let flat = 0;
    let stride = 1;
    for (let d = out.length - 1; d >= 0; d--) {
      const coord = rest % out[d]!;
      rest = (rest - coord) / out[d]!;
      const ownDim = d >= offset ? own[d - offset]! : 1;
      flat += (ownDim === 1 ? 0 : coord) * stride;
      stride *= ownDim;
    }
    index[p] = flat;
  }
  return index;
}
