// Reductions (Sum, Mean, Max, Min, Prod, All, Any, ArgMax, ArgMin) and Softmax: the reduced axes
// are moved last (a transpose when they are not already), then one block reduces each row.
import { backend_util, util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';
import { transpose } from './shape.js';
import { kernel, onHost, size } from './shared.js';

/** x viewed as [rows, cols] with the `axes` last; the transposed copy (if one was made) to dispose. */
function rowsView(backend: CudaKernelBackend, x: TensorInfo, axes: number[]) {
  const perm = backend_util.getAxesPermutation(axes, x.shape.length);
  const moved = perm ? transpose(backend, x, perm) : x;
  const [outShape, reduceShape] = backend_util.computeOutAndReduceShapes(moved.shape, backend_util.getInnerMostAxes(axes.length, x.shape.length));
  return { moved, temp: perm ? moved : null, outShape, rows: util.sizeFromShape(outShape), cols: util.sizeFromShape(reduceShape) };
}

function blockFor(cols: number): [number] {
  return [Math.min(256, Math.max(32, Math.ceil(cols / 32) * 32))];
}

const ROW: Record<string, [string, 'float32' | 'bool' | 'int32' | 'same']> = {
  Sum: ['reduce_sum', 'same'],
  Mean: ['reduce_mean', 'float32'],
  Max: ['reduce_max', 'same'],
  Min: ['reduce_min', 'same'],
  Prod: ['reduce_prod', 'same'],
  All: ['reduce_all', 'bool'],
  Any: ['reduce_any', 'bool'],
  ArgMax: ['reduce_argmax', 'int32'],
  ArgMin: ['reduce_argmin', 'int32'],
};

const HOST: Record<string, (row: number[]) => number> = {
  Sum: (r) => r.reduce((a, b) => a + b, 0),
  Mean: (r) => r.reduce((a, b) => a + b, 0) / r.length,
  Max: (r) => Math.max(...r),
  Min: (r) => Math.min(...r),
  Prod: (r) => r.reduce((a, b) => a * b, 1),
  All: (r) => +r.every((v) => v !== 0),
  Any: (r) => +r.some((v) => v !== 0),
  ArgMax: (r) => r.indexOf(Math.max(...r)),
  ArgMin: (r) => r.indexOf(Math.min(...r)),
};

export const reduceKernels: KernelConfig[] = Object.entries(ROW).map(([name, [fn, out]]) =>
  kernel(name, ({ inputs, backend, attrs }) => {
    const x = inputs.x!;
    // tfjs names the attribute `axis` for most reductions and `reductionIndices` for Max and Min.
    const axes = util.parseAxisParam((attrs.axis ?? attrs.reductionIndices) as number | number[], x.shape);
    const keepDims = Boolean(attrs.keepDims);
    const view = rowsView(backend, x, axes);
    const dtype = out === 'same' ? x.dtype === 'bool' ? 'float32' : x.dtype : out;
    const shape = keepDims ? backend_util.expandShapeToKeepDim(view.outShape, axes) : view.outShape;
    let result: TensorInfo;
    if (x.dtype === 'int32' || view.cols === 0) {
      result = onHost(backend, [view.moved], shape, dtype, ([v]) =>
        Array.from({ length: view.rows }, (_, r) => HOST[name]!(Array.from((v as ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }).subarray(r * view.cols, (r + 1) * view.cols)))),
      );
    } else {
      const o = backend.output(shape, dtype);
      if (view.rows > 0) {
        // reduce_prod is one thread per row; argmax/argmin one block per row (grid.x allows 2^31 - 1);
        // the others loop over rows with a grid stride.
        const grid: [number] = fn === 'reduce_prod' ? [Math.ceil(view.rows / 256)] : out === 'int32' ? [view.rows] : [Math.min(view.rows, 65535)];
        backend.launch('reduce', fn, grid, fn === 'reduce_prod' ? [256] : blockFor(view.cols), [{ ptr: backend.pointer(view.moved) }, { ptr: o.ptr }, { i32: view.rows }, { i32: view.cols }]);
      }
      result = o.info;
    }
    if (view.temp) backend.disposeData(view.temp.dataId);
    return result;
  }),
);

export const softmaxKernels: KernelConfig[] = [
  kernel('Softmax', ({ inputs, backend, attrs }) => {
    const x = inputs.logits!;
    const dim = (attrs.dim as number) < 0 ? x.shape.length + (attrs.dim as number) : (attrs.dim as number);
    if (dim !== x.shape.length - 1) throw new Error(`Softmax over axis ${dim} of a rank-${x.shape.length} tensor: only the last axis is supported`);
    const cols = x.shape[dim]!;
    const rows = size(x) / Math.max(cols, 1);
    const o = backend.output(x.shape, 'float32');
    if (rows > 0 && cols > 0) backend.launch('softmax', 'softmax_forward', [Math.min(rows, 65535)], blockFor(cols), [{ ptr: backend.pointer(x) }, { ptr: o.ptr }, { i32: rows }, { i32: cols }]);
    return o.info;
  }),
];
