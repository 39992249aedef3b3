// Kernels that move or relabel data: Reshape and Identity (shared storage), Cast, Fill/ZerosLike/
// OnesLike, and Transpose (strided_copy in copy.cu).
import { util, type DataType, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { contiguousStrides, packLayout } from '../../kernels/layout.js';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';
import { THREADS, gridFor, kernel, size } from './shared.js';
import { runUnary } from './unary.js';

const float32Bits = (v: number): number => new Uint32Array(new Float32Array([v]).buffer)[0]!;

export function fillTensor(backend: CudaKernelBackend, shape: number[], dtype: DataType, value: number): TensorInfo {
  const o = backend.output(shape, dtype);
  const n = util.sizeFromShape(shape);
  if (o.ptr) backend.fill(o.ptr, dtype === 'int32' ? value | 0 : float32Bits(value), n);
  return o.info;
}

/** out = x with its axes permuted by `perm` (strided copy: out[i] = x[offset of i's permuted coordinate]). */
export function transpose(backend: CudaKernelBackend, x: TensorInfo, perm: number[]): TensorInfo {
  const shape = perm.map((p) => x.shape[p]!);
  const o = backend.output(shape, x.dtype);
  const n = size(x);
  if (n === 0) return o.info;
  const own = contiguousStrides(x.shape);
  const layout = packLayout(shape, [perm.map((p) => own[p]!), contiguousStrides(shape)]);
  const fn = x.dtype === 'int32' ? 'strided_copy_i32' : 'strided_copy_f32';
  backend.launch('copy', fn, gridFor(n), [THREADS], [{ ptr: backend.pointer(x) }, { i32: 0 }, { ptr: o.ptr }, { i32: 0 }, { i32: n }, { bytes: layout }]);
  return o.info;
}

function cast(backend: CudaKernelBackend, x: TensorInfo, dtype: DataType): TensorInfo {
  if (dtype === x.dtype) return backend.alias(x, x.shape);
  const n = size(x);
  // bool is stored as float32 0/1: to or from float32 is a relabelling.
  if ((x.dtype === 'bool' && dtype === 'float32') || n === 0) {
    if (n === 0) return backend.output(x.shape, dtype).info;
    return { ...backend.alias(x, x.shape), dtype };
  }
  if (dtype === 'int32') return runUnary(backend, 'cast_f32_i32', x, 'int32');
  let f = x;
  if (x.dtype === 'int32') {
    f = runUnary(backend, 'cast_i32_f32', x);
    if (dtype === 'float32') return f;
  }
  // to bool: (x != 0) as logical_not(logical_not(x)).
  const once = runUnary(backend, 'unary_logical_not', f);
  const twice = runUnary(backend, 'unary_logical_not', once, 'bool');
  backend.disposeData(once.dataId);
  if (f !== x) backend.disposeData(f.dataId);
  return twice;
}

/** out = xs joined along `axis`: one strided copy per input into its slice of the output. */
function concat(backend: CudaKernelBackend, xs: TensorInfo[], axis: number): TensorInfo {
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((a, x) => a + x.shape[axis]!, 0);
  const dtype = xs[0]!.dtype;
  const o = backend.output(shape, dtype);
  const outStrides = contiguousStrides(shape);
  let offset = 0;
  for (const x of xs) {
    const n = size(x);
    if (n > 0) {
      const layout = packLayout(x.shape, [contiguousStrides(x.shape), outStrides]);
      const fn = dtype === 'int32' ? 'strided_copy_i32' : 'strided_copy_f32';
      backend.launch('copy', fn, gridFor(n), [THREADS], [{ ptr: backend.pointer(x) }, { i32: 0 }, { ptr: o.ptr }, { i32: offset * outStrides[axis]! }, { i32: n }, { bytes: layout }]);
    }
    offset += x.shape[axis]!;
  }
  return o.info;
}

/** out = x repeated `reps` times along each axis (tile.cu reads coordinate c as c mod the input's extent). */
function tile(backend: CudaKernelBackend, x: TensorInfo, reps: number[]): TensorInfo {
  const shape = x.shape.map((d, i) => d * reps[i]!);
  const o = backend.output(shape, x.dtype);
  const n = util.sizeFromShape(shape);
  if (n > 0) {
    // Bitwise copies: the float32 kernel moves int32 values unchanged.
    const layout = packLayout(shape, [contiguousStrides(x.shape)]);
    const inShape = packLayout(x.shape, []);
    backend.launch('copy', 'tile_f32', gridFor(n), [THREADS], [{ ptr: backend.pointer(x) }, { ptr: o.ptr }, { i32: n }, { bytes: layout }, { bytes: inShape }]);
  }
  return o.info;
}

export const shapeKernels: KernelConfig[] = [
  kernel('Concat', ({ inputs, backend, attrs }) => {
    const xs = Object.values(inputs);
    const axis = util.parseAxisParam(attrs.axis as number, xs[0]!.shape)[0]!;
    return concat(backend, xs, axis);
  }),
  kernel('Tile', ({ inputs, backend, attrs }) => tile(backend, inputs.x!, attrs.reps as number[])),
  kernel('Reshape', ({ inputs, backend, attrs }) => {
    const x = inputs.x!;
    const shape = util.inferFromImplicitShape(attrs.shape as number[], size(x));
    return backend.alias(x, shape);
  }),
  kernel('Identity', ({ inputs, backend }) => backend.alias(inputs.x!, inputs.x!.shape)),
  kernel('Cast', ({ inputs, backend, attrs }) => cast(backend, inputs.x!, attrs.dtype as DataType)),
  kernel('ZerosLike', ({ inputs, backend }) => fillTensor(backend, inputs.x!.shape, inputs.x!.dtype, 0)),
  kernel('OnesLike', ({ inputs, backend }) => fillTensor(backend, inputs.x!.shape, inputs.x!.dtype, 1)),
  kernel('Fill', ({ backend, attrs }) => fillTensor(backend, attrs.shape as number[], (attrs.dtype as DataType) ?? 'float32', attrs.value as number)),
  kernel('Range', ({ backend, attrs }) => {
    const { start, stop, step } = attrs as { start: number; stop: number; step: number };
    const dtype = (attrs.dtype as DataType) ?? 'float32';
    const n = Math.max(0, Math.ceil((stop - start) / step));
    if (dtype === 'int32') {
      const values = Int32Array.from({ length: n }, (_, i) => start + i * step);
      return { dataId: backend.write(values, [n], 'int32'), shape: [n], dtype };
    }
    const o = backend.output([n], 'float32');
    if (n > 0) backend.launch('elementwise-unary', 'range_f32', gridFor(n), [THREADS], [{ ptr: o.ptr }, { i32: n }, { f32: start }, { f32: step }]);
    return o.info;
  }),
  kernel('Transpose', ({ inputs, backend, attrs }) => transpose(backend, inputs.x!, attrs.perm as number[])),
];
