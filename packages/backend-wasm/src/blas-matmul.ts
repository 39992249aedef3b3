// tfjs's BatchMatMul and _FusedMatMul computed by the machine's BLAS directly on the wasm heap:
// transposes are GEMM flags (no copy), a batch is a loop of GEMMs over strided views (broadcast
// batch dimensions included), _FusedMatMul's bias is GEMM's beta·C and its activation one pass
// over the output. Returns null for what it does not handle (the caller uses XNNPACK instead).
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { Blas } from './blas.js';
import type { WasmBackendLike } from './memory.js';
import { batchIndex, broadcastBatch } from './batch-broadcast.js';

const size = (shape: readonly number[]) => shape.reduce((a, d) => a * d, 1);

export interface MatMulArgs {
  a: TensorInfo;
  b: TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  bias?: TensorInfo | undefined;
  activation?: string | undefined;
  leakyreluAlpha?: number | undefined;
}

/** The epilogues tfjs's fused matmul asks for, applied in place (prelu is left to XNNPACK). */
function activate(c: Float32Array, activation: string, alpha: number): boolean {
  switch (activation) {
    case 'linear':
      return true;
    case 'relu':
      for (let i = 0; i < c.length; i++) if (c[i]! < 0) c[i] = 0;
      return true;
    case 'relu6':
      for (let i = 0; i < c.length; i++) c[i] = Math.min(Math.max(c[i]!, 0), 6);
      return true;
    case 'leakyrelu':
      for (let i = 0; i < c.length; i++) if (c[i]! < 0) c[i] = alpha * c[i]!;
      return true;
    case 'sigmoid':
      for (let i = 0; i < c.length; i++) c[i] = 1 / (1 + Math.exp(-c[i]!));
      return true;
    case 'elu':
      for (let i = 0; i < c.length; i++) if (c[i]! < 0) c[i] = Math.expm1(c[i]!);
      return true;
    default:
      return false;
  }
}

/** How a bias fills the output before GEMM adds to it (beta = 1), or null if not handled here. */
function biasFill(bias: TensorInfo, outShape: readonly number[], n: number): 'scalar' | 'row' | 'full' | null {
  const s = size(bias.shape);
  if (s === 1) return 'scalar';
  if (s === n && bias.shape.at(-1) === n) return 'row';
  const stripped = bias.shape.slice(bias.shape.findIndex((d) => d !== 1));
  const out = outShape.slice(outShape.length - stripped.length);
  if (s === size(outShape) && stripped.length <= outShape.length && stripped.every((d, i) => d === out[i])) return 'full';
  return null;
}

/**
 * Computes the product (and fused epilogue) with BLAS into a new output, or returns null when the
 * case is not one it handles (non-float32, batches that do not broadcast, a prelu or unusual bias).
 */
export function blasMatMul(blas: Blas, backend: WasmBackendLike, args: MatMulArgs): TensorInfo | null {
  const { a, b, transposeA, transposeB, bias } = args;
  const activation = args.activation ?? 'linear';
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || (bias && bias.dtype !== 'float32')) return null;
  if (a.shape.length < 2 || b.shape.length < 2) return null;
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const n = transposeB ? br : bc;
  if ((transposeB ? bc : br) !== k) return null; // tfjs's op already checked; stay out of the way
  const batchShape = broadcastBatch(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (!batchShape) return null;
  const outShape = [...batchShape, m, n];
  const fill = bias ? biasFill(bias, outShape, n) : undefined;
  if (fill === null) return null;
  if (!['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu'].includes(activation)) return null;

  const out = backend.makeOutput(outShape, 'float32');
  // Views after the allocation: it may have grown (and detached) the heap.
  const C = backend.typedArrayFromHeap(out) as Float32Array;
  if (C.length === 0) return out;
  const batch = size(batchShape);
  if (bias) {
    const bv = backend.typedArrayFromHeap(bias) as Float32Array;
    if (fill === 'scalar') C.fill(bv[0]!);
    else if (fill === 'row') for (let r = 0; r < C.length; r += n) C.set(bv, r);
    else C.set(bv);
  } else if (k === 0) {
    C.fill(0);
  }
  if (k > 0) {
    const A = backend.typedArrayFromHeap(a) as Float32Array;
    const B = backend.typedArrayFromHeap(b) as Float32Array;
    const lda = transposeA ? m : k;
    const ldb = transposeB ? k : n;
    const beta = bias ? 1 : 0;
    if (batch === 1) {
      blas.sgemm(transposeA, transposeB, m, n, k, 1, A, lda, B, ldb, beta, C, n);
    } else {
      const ia = batchIndex(a.shape.slice(0, -2), batchShape);
      const ib = batchIndex(b.shape.slice(0, -2), batchShape);
      const sa = m * k, sb = k * n, sc = m * n;
      for (let p = 0; p < batch; p++) {
        blas.sgemm(
          transposeA, transposeB, m, n, k, 1,
          A.subarray(ia[p]! * sa, (ia[p]! + 1) * sa), lda,
          B.subarray(ib[p]! * sb, (ib[p]! + 1) * sb), ldb,
          beta, C.subarray(p * sc, (p + 1) * sc), n,
        );
      }
    }
  }
  activate(C, activation, args.leakyreluAlpha ?? 0.2);
  return out;
}
