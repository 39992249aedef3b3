// BatchMatMul through cuBLAS (row-major by operand swap, strided batches; a batch of one on either
// side broadcasts with stride 0).
import { backend_util, util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { ShapeError } from '@llmkit/core';
import { kernel } from './shared.js';

export const matmulKernels: KernelConfig[] = [
  kernel('BatchMatMul', ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const ta = Boolean(attrs.transposeA), tb = Boolean(attrs.transposeB);
    if (a.dtype === 'int32' || b.dtype === 'int32') throw new ShapeError(`BatchMatMul on cuda takes float32 operands; got ${a.dtype} and ${b.dtype}`);
    const ra = a.shape.length, rb = b.shape.length;
    const m = a.shape[ta ? ra - 1 : ra - 2]!, k = a.shape[ta ? ra - 2 : ra - 1]!;
    const k2 = b.shape[tb ? rb - 1 : rb - 2]!, n = b.shape[tb ? rb - 2 : rb - 1]!;
    if (k !== k2) throw new ShapeError(`BatchMatMul: inner dimensions differ: a [${a.shape.join(', ')}]${ta ? 'ᵀ' : ''} has ${k}, b [${b.shape.join(', ')}]${tb ? 'ᵀ' : ''} has ${k2}`);
    const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
    const outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
    const batchA = util.sizeFromShape(outerA), batchB = util.sizeFromShape(outerB), batch = util.sizeFromShape(outer);
    if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) {
      throw new ShapeError(`BatchMatMul on cuda broadcasts a batch only when one side has a single matrix; got batch shapes [${outerA.join(', ')}] and [${outerB.join(', ')}]`);
    }
    const o = backend.output([...outer, m, n], 'float32');
    if (batch * m * n === 0) return o.info;
    if (k === 0) {
      backend.fill(o.ptr!, 0, batch * m * n);
      return o.info;
    }
    backend.cublas().gemmRowMajor({
      m, n, k, a: backend.pointer(a)!, b: backend.pointer(b)!, c: o.ptr!, transposeA: ta, transposeB: tb, batch,
      strideA: batchA === 1 ? 0 : m * k, strideB: batchB === 1 ? 0 : k * n, strideC: m * n,
    });
    return o.info;
  }),
];
