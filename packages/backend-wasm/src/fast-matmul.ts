// tfjs-wasm reaches XNNPACK's fast GEMM only for an untransposed product of single matrices; with a
// transposed operand or a batch it falls to a scalar loop. Measured in Node (1 thread) on
// 1024x384x1536: 11 GFLOP/s plain, 1.7 with transposeB, 0.5 with transposeA; attention's batched
// [B*H] products ~2.7 GFLOP/s. Every weight and input gradient of a linear layer multiplies by a
// transposed operand, so a training step spent ~90% of its time in those slow paths.
// These wrappers hand tfjs-wasm's kernel only fast cases: a transposed operand is materialised with
// one Transpose (a copy, ~1% of the product's time) and a batch becomes one 2-D product per matrix.
// Results are bit-identical to tfjs-wasm's own (the same GEMM computes every element).
// In Node with a BLAS found (blas.ts), the wrappers hand products to blas-matmul.ts first.
import { tf } from '@llmkit/core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './memory.js';
import { wrapKernel } from './wrap-kernel.js';
import type { Blas } from './blas.js';
import { blasMatMul } from './blas-matmul.js';
import { broadcastBatch, batchIndex } from './batch-broadcast.js';

/** The BLAS that computes products when one was found (blas-matmul.ts); null: XNNPACK. */
let matMulBlas: Blas | null = null;

/** Routes the wrapped matmul kernels through a BLAS, or back to XNNPACK (null). */
export function setMatMulGemm(blas: Blas | null): void {
  matMulBlas = blas;
}

const size = (shape: readonly number[]) => shape.reduce((a, d) => a * d, 1);

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/** One 2-D product per output matrix; `a` [...batchA, m, k], `b` [...batchB, k, n], batches broadcast. */
function batchedAs2d(inner: KernelFunc, backend: WasmBackendLike, a: TensorInfo, b: TensorInfo, batchShape: number[]): TensorInfo {
  const [m, k] = a.shape.slice(-2) as [number, number];
  const n = b.shape.at(-1) as number;
  const ia = batchIndex(a.shape.slice(0, -2), batchShape);
  const ib = batchIndex(b.shape.slice(0, -2), batchShape);
  const out = backend.makeOutput([...batchShape, m, n], 'float32');
  for (let i = 0; i < ia.length; i++) {
    const ai = backend.makeOutput([m, k], 'float32');
    const bi = backend.makeOutput([k, n], 'float32');
    // Heap views are taken after every allocation: a heap growth detaches older ones.
    backend.typedArrayFromHeap(ai).set(backend.typedArrayFromHeap(a).subarray(ia[i]! * m * k, (ia[i]! + 1) * m * k));
    backend.typedArrayFromHeap(bi).set(backend.typedArrayFromHeap(b).subarray(ib[i]! * k * n, (ib[i]! + 1) * k * n));
    const oi = inner({ inputs: { a: ai, b: bi }, attrs: { transposeA: false, transposeB: false }, backend: backend as never }) as TensorInfo;
    backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(oi), i * m * n);
    for (const t of [ai, bi, oi]) backend.disposeData(t.dataId);
  }
  return out;
}

/** Wraps a matmul kernel (inputs `a`, `b`, attrs `transposeA`, `transposeB`). */
function fastMatMul(original: KernelConfig, backendName: string, splitBatches: boolean): KernelConfig {
  const inner = original.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    const backend = args.backend as unknown as WasmBackendLike;
    let a = args.inputs.a as TensorInfo;
    let b = args.inputs.b as TensorInfo;
    if (matMulBlas) {
      const { activation, leakyreluAlpha } = args.attrs as { activation?: string; leakyreluAlpha?: number };
      const bias = args.inputs.bias as TensorInfo | undefined;
      const prelu = args.inputs.preluActivationWeights as TensorInfo | undefined;
      const viaBlas = prelu ? null : blasMatMul(matMulBlas, backend, { a, b, transposeA: !!transposeA, transposeB: !!transposeB, bias, activation, leakyreluAlpha });
      if (viaBlas) return viaBlas;
    }
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return inner(args);
    const batchShape = broadcastBatch(a.shape.slice(0, -2), b.shape.slice(0, -2));
    if (!batchShape) return inner(args); // tfjs's op has already rejected this; let it say so
    const batch = size(batchShape);
    const m = transposeA ? a.shape.at(-1)! : a.shape.at(-2)!;
    const n = transposeB ? b.shape.at(-2)! : b.shape.at(-1)!;
    const k = transposeA ? a.shape.at(-2)! : a.shape.at(-1)!;
    if (splitBatches && m * n * k === 0) {
      // XNNPACK rejects empty dimensions; an empty product is zeros (or nothing).
      const out = backend.makeOutput([...batchShape, m, n], 'float32');
      backend.typedArrayFromHeap(out).fill(0);
      return out;
    }
    // tfjs-wasm's own batched product is slow, and wrong when both operands broadcast ([2,1,3,4] x [5,4,6]).
    const split = splitBatches && batch > 1;
    if (!transposeA && !transposeB && !split) return inner(args);

    const transpose = tf.getKernel('Transpose', backendName)!.kernelFunc;
    const temps: TensorInfo[] = [];
    const materialise = (x: TensorInfo): TensorInfo => {
      const t = transpose({ inputs: { x }, attrs: { perm: swapLastTwo(x.shape.length) }, backend: args.backend }) as TensorInfo;
      temps.push(t);
      return t;
    };
    try {
      if (transposeA) a = materialise(a);
      if (transposeB) b = materialise(b);
      if (split) return batchedAs2d(inner, backend, a, b, batchShape);
      return inner({ ...args, inputs: { ...args.inputs, a, b }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  return { ...original, kernelFunc };
}

/**
 * Replaces tfjs-wasm's BatchMatMul (transposes and batches) and _FusedMatMul (transposes; its
 * bias and activation stay with tfjs) with the wrappers above. Idempotent.
 */
export function installFastMatMul(backendName = 'wasm'): void {
  wrapKernel('BatchMatMul', backendName, (original) => fastMatMul(original, backendName, true));
  wrapKernel('_FusedMatMul', backendName, (original) => fastMatMul(original, backendName, false));
}
