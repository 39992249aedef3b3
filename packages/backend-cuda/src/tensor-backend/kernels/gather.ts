// GatherV2 (embedding lookups, batchDims 0) on gather.cu; indices are checked on the host first,
// since an out-of-range index on the device reads 0 instead of failing as tfjs-cpu does.
import { util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { ShapeError } from '@llmkit/core';
import { THREADS, gridFor, kernel } from './shared.js';

export const gatherKernels: KernelConfig[] = [
  kernel('OneHot', ({ inputs, backend, attrs }) => {
    const indices = inputs.indices!;
    const { depth, onValue, offValue } = attrs as { depth: number; onValue: number; offValue: number };
    const dtype = (attrs.dtype as 'float32' | 'int32') ?? 'int32';
    const shape = [...indices.shape, depth];
    const count = util.sizeFromShape(indices.shape);
    if (dtype === 'int32') {
      // int32 one-hot (tfjs's default dtype) is bookkeeping: build it on the host.
      const idx = backend.readSync(indices.dataId) as Int32Array;
      const out = new Int32Array(count * depth).fill(offValue);
      idx.forEach((v, i) => {
        if (v >= 0 && v < depth) out[i * depth + v] = onValue;
      });
      return { dataId: backend.write(out, shape, 'int32'), shape, dtype };
    }
    const o = backend.output(shape, 'float32');
    if (count * depth > 0) {
      backend.launch('gather', 'one_hot', gridFor(count * depth), [THREADS], [{ ptr: backend.pointer(indices) }, { ptr: o.ptr }, { i32: count }, { i32: depth }, { f32: onValue }, { f32: offValue }]);
    }
    return o.info;
  }),
  kernel('GatherV2', ({ inputs, backend, attrs }) => {
    const { x, indices } = inputs as { x: TensorInfo; indices: TensorInfo };
    const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
    if ((attrs.batchDims as number | undefined) ?? 0) throw new ShapeError('GatherV2 on cuda supports batchDims = 0 only');
    const axisLen = x.shape[axis]!;
    const idx = backend.readSync(indices.dataId) as Int32Array;
    const bad = idx.findIndex((v) => v < 0 || v >= axisLen);
    if (bad >= 0) throw new ShapeError(`GatherV2: index ${idx[bad]} at position ${bad} is outside [0, ${axisLen}) of axis ${axis} of [${x.shape.join(', ')}]`);
    const outer = util.sizeFromShape(x.shape.slice(0, axis)), inner = util.sizeFromShape(x.shape.slice(axis + 1));
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const o = backend.output(shape, x.dtype);
    const n = outer * idx.length * inner;
    if (n > 0) {
      const fn = x.dtype === 'int32' ? 'gather_i32' : 'gather_f32';
      backend.launch('gather', fn, gridFor(n), [THREADS], [{ ptr: backend.pointer(x) }, { ptr: backend.pointer(indices) }, { ptr: o.ptr }, { i32: outer }, { i32: axisLen }, { i32: inner }, { i32: idx.length }]);
    }
    return o.info;
  }),
];
