// Slice, SplitV and PadV2 as strided copies (copy.cu): a slice reads the input from an offset with
// its own strides; a pad writes the input into the interior of an output filled with the constant.
import { backend_util, slice_util, util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { contiguousStrides, packLayout } from '../../kernels/layout.js';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';
import { fillTensor } from './shape.js';
import { THREADS, gridFor, kernel, size } from './shared.js';

/** Copies `x`'s elements at `begin` (extent `shape`) into a new contiguous tensor. */
export function slice(backend: CudaKernelBackend, x: TensorInfo, begin: number[], shape: number[]): TensorInfo {
  const o = backend.output(shape, x.dtype);
  const n = util.sizeFromShape(shape);
  if (n === 0) return o.info;
  const strides = contiguousStrides(x.shape);
  const base = begin.reduce((a, b, d) => a + b * strides[d]!, 0);
  const layout = packLayout(shape, [strides, contiguousStrides(shape)]);
  const fn = x.dtype === 'int32' ? 'strided_copy_i32' : 'strided_copy_f32';
  backend.launch('copy', fn, gridFor(n), [THREADS], [{ ptr: backend.pointer(x) }, { i32: base }, { ptr: o.ptr }, { i32: 0 }, { i32: n }, { bytes: layout }]);
  return o.info;
}

export const sliceKernels: KernelConfig[] = [
  kernel('Slice', ({ inputs, backend, attrs }) => {
    const x = inputs.x!;
    const [begin, sizes] = slice_util.parseSliceParams(x as never, attrs.begin as number[], attrs.size as number[]) as [number[], number[]];
    return slice(backend, x, begin, sizes);
  }),
  kernel('SplitV', ({ inputs, backend, attrs }) => {
    const x = inputs.x!;
    const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
    const sizes = backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits as number[] | number, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const shape = [...x.shape];
      shape[axis] = s;
      const piece = slice(backend, x, [...begin], shape);
      begin[axis]! += s;
      return piece;
    });
  }),
  kernel('PadV2', ({ inputs, backend, attrs }) => {
    const x = inputs.x!;
    const paddings = attrs.paddings as [number, number][];
    const shape = x.shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
    const out = fillTensor(backend, shape, x.dtype, attrs.constantValue as number);
    const n = size(x);
    if (n > 0) {
      const outStrides = contiguousStrides(shape);
      const base = paddings.reduce((a, [before], d) => a + before * outStrides[d]!, 0);
      const layout = packLayout(x.shape, [contiguousStrides(x.shape), outStrides]);
      const fn = x.dtype === 'int32' ? 'strided_copy_i32' : 'strided_copy_f32';
      backend.launch('copy', fn, gridFor(n), [THREADS], [{ ptr: backend.pointer(x) }, { i32: 0 }, { ptr: backend.pointer(out) }, { i32: base }, { i32: n }, { bytes: layout }]);
    }
    return out;
  }),
];
