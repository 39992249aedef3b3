// BatchMatMul through cuBLAS (row-major by operand swap, strided batches; a batch of one on either
// side broadcasts with stride 0). The shape rules are shared with _FusedMatMul (fused-matmul.ts).
import { backend_util, util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { ShapeError } from '@llmkit/core';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';
import { kernel } from './shared.js';

/** The GEMM a (batched) matmul of `a` and `b` asks for: sizes, output shape and per-operand batch strides. */
export interface MatMulShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batch: number;
  readonly outShape: number[];
  readonly strideA: number;
  readonly strideB: number;
}

export function matMulShape(kernelName: string, a: TensorInfo, b: TensorInfo, ta: boolean, tb: boolean): MatMulShape {
  if (a.dtype === 'int32' || b.dtype === 'int32') throw new ShapeError(`${kernelName} on cuda takes float32 operands; got ${a.dtype} and ${b.dtype}`);
  const ra = a.shape.length, rb = b.shape.length;
  const m = a.shape[ta ? ra - 1 : ra - 2]!, k = a.shape[ta ? ra - 2 : ra - 1]!;
  const k2 = b.shape[tb ? rb - 1 : rb - 2]!, n = b.shape[tb ? rb - 2 : rb - 1]!;
  if (k !== k2) throw new ShapeError(`${kernelName}: inner dimensions differ: a [${a.shape.join(', ')}]${ta ? 'ᵀ' : ''} has ${k}, b [${b.shape.join(', ')}]${tb ? 'ᵀ' : ''} has ${k2}`);
  const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
  const outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const batchA = util.sizeFromShape(outerA), batchB = util.sizeFromShape(outerB), batch = util.sizeFromShape(outer);
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) {
    throw new ShapeError(`${kernelName} on cuda broadcasts a batch only when one side has a single matrix; got batch shapes [${outerA.join(', ')}] and [${outerB.join(', ')}]`);
  }
  return { m, n, k, batch, outShape: [...outer, m, n], strideA: batchA === 1 ? 0 : m * k, strideB: batchB === 1 ? 0 : k * n };
}

/** C = op(A)·op(B) by cublasSgemm(StridedBatched) for the shape `matMulShape` gave; k = 0 gives zeros. */
export function runBatchMatMul(backend: CudaKernelBackend, s: MatMulShape, a: TensorInfo, b: TensorInfo, ta: boolean, tb: boolean): TensorInfo {
  const o = backend.output(s.outShape, 'float32');
  if (s.batch * s.m * s.n === 0) return o.info;
  if (s.k === 0) {
    backend.fill(o.ptr!, 0, s.batch * s.m * s.n);
    return o.info;
  }
  backend.cublas().gemmRowMajor({
    m: s.m, n: s.n, k: s.k, a: backend.pointer(a)!, b: backend.pointer(b)!, c: o.ptr!, transposeA: ta, transposeB: tb, batch: s.batch,
    strideA: s.strideA, strideB: s.strideB, strideC: s.m * s.n,
  });
  return o.info;
}

export const matmulKernels: KernelConfig[] = [
  kernel('BatchMatMul', ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const ta = Boolean(attrs.transposeA), tb = Boolean(attrs.transposeB);
    return runBatchMatMul(backend, matMulShape('BatchMatMul', a, b, ta, tb), a, b, ta, tb);
  }),
];
