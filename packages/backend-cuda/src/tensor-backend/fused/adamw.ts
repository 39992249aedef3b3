// Fused multi-tensor AdamW for core's LlmkitAdamW on adamw.cu (adamw_update): a table of one slot
// per parameter (its p, g, m, v, the three new outputs, the size and the decay factor) is uploaded,
// then one launch updates every parameter (grid.y = slot). Same float32 operations in the same
// order as core's default, so the same bits.
import { util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';
import { THREADS, gridFor } from '../kernels/shared.js';

const SLOT_BYTES = 64; // struct AdamWSlot: 7 pointers, int n, float decay
const MAX_GRID_Y = 65535;

export const adamwForward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as CudaKernelBackend;
  const a = attrs as { count: number; beta1: number; beta2: number; eps: number; stepSize: number; bias2Sqrt: number; decayFactors: number[] };
  const n = a.count;
  const ins = inputs as Record<string, TensorInfo>;
  const ps: TensorInfo[] = [], ms: TensorInfo[] = [], vs: TensorInfo[] = [];
  const table = new DataView(new ArrayBuffer(SLOT_BYTES * n));
  let largest = 0;
  for (let i = 0; i < n; i++) {
    const p = ins[`p${i}`]!, size = util.sizeFromShape(p.shape);
    const outs = [b.output(p.shape, 'float32'), b.output(p.shape, 'float32'), b.output(p.shape, 'float32')];
    ps.push(outs[0]!.info);
    ms.push(outs[1]!.info);
    vs.push(outs[2]!.info);
    const ptrs = [b.pointer(p), b.pointer(ins[`g${i}`]!), b.pointer(ins[`m${i}`]!), b.pointer(ins[`v${i}`]!), ...outs.map((o) => o.ptr)];
    ptrs.forEach((q, j) => table.setBigUint64(SLOT_BYTES * i + 8 * j, q ?? 0n, true));
    table.setInt32(SLOT_BYTES * i + 56, size, true);
    table.setFloat32(SLOT_BYTES * i + 60, a.decayFactors[i]!, true);
    largest = Math.max(largest, size);
  }
  if (largest > 0) {
    // The table travels as an int32 tensor (the backend's upload path); freed after the launches,
    // which the stream orders before any later use of the block.
    const slots = b.write(new Int32Array(table.buffer), [(SLOT_BYTES / 4) * n], 'int32');
    const info = { dataId: slots, shape: [(SLOT_BYTES / 4) * n], dtype: 'int32' as const };
    const base = b.pointer(info)!;
    const scalars = [{ f32: a.beta1 }, { f32: a.beta2 }, { f32: 1 - a.beta1 }, { f32: 1 - a.beta2 }, { f32: a.eps }, { f32: a.stepSize }, { f32: a.bias2Sqrt }];
    for (let first = 0; first < n; first += MAX_GRID_Y) {
      const count = Math.min(MAX_GRID_Y, n - first);
      b.launch('adamw', 'adamw_update', [gridFor(largest)[0], count], [THREADS], [{ ptr: (base + BigInt(SLOT_BYTES * first)) as typeof base }, ...scalars]);
    }
    b.disposeData(slots);
  }
  return [...ps, ...ms, ...vs];
};
