// GatherV2 (embedding lookups, batchDims 0), its gradient UnsortedSegmentSum, and OneHot on
// gather.cu; gather indices are checked on the host first, since an out-of-range index on the
// device reads 0 instead of failing as tfjs-cpu does.
import { util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { ShapeError } from '@llmkit/core';
import { fillTensor } from './shape.js';
import { THREADS, gridFor, kernel, onHost } from './shared.js';

export const gatherKernels: KernelConfig[] = [
  // out[segmentIds[r], ...] += x[r, ...]; ids outside [0, numSegments) are dropped, as tfjs-cpu's
  // mask-and-sum implementation drops them. segmentIds covers x's leading axes.
  kernel('UnsortedSegmentSum', ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const numSegments = attrs.numSegments as number;
    const lead = segmentIds.shape.length;
    if (!util.arraysEqual(x.shape.slice(0, lead), segmentIds.shape)) {
      throw new ShapeError(`UnsortedSegmentSum: segmentIds [${segmentIds.shape.join(', ')}] must match the leading axes of x [${x.shape.join(', ')}]`);
    }
    const rows = util.sizeFromShape(segmentIds.shape), inner = util.sizeFromShape(x.shape.slice(lead));
    const shape = [numSegments, ...x.shape.slice(lead)];
    if (x.dtype === 'int32') {
      // float32 out, as tfjs-cpu (its mask is cast to float32 before the multiply).
      return onHost(backend, [x, segmentIds], shape, 'float32', ([v, s]) => {
        const out = new Float64Array(numSegments * inner);
        for (let r = 0; r < rows; r++) {
          const seg = s![r]!;
          if (seg >= 0 && seg < numSegments) for (let c = 0; c < inner; c++) out[seg * inner + c]! += v![r * inner + c]!;
        }
        return out;
      });
    }
    // The kernel accumulates with atomicAdd into a zeroed output.
    const out = fillTensor(backend, shape, 'float32', 0);
    if (rows * inner > 0) {
      backend.launch('gather', 'segment_sum', gridFor(rows * inner), [THREADS], [{ ptr: backend.pointer(x) }, { ptr: backend.pointer(segmentIds) }, { ptr: backend.pointer(out) }, { i32: rows }, { i32: inner }, { i32: numSegments }]);
    }
    return out;
  }),
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
