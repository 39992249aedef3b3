// Select (tfjs's Where with three inputs: condition ? t : e, broadcast) and AddN (a chain of adds).
import { backend_util, util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { broadcastStrides, packLayout } from '../../kernels/layout.js';
import { runBinary } from './binary.js';
import { THREADS, gridFor, kernel } from './shared.js';

export const selectKernels: KernelConfig[] = [
  kernel('Select', ({ inputs, backend }) => {
    const { condition, t, e } = inputs as { condition: TensorInfo; t: TensorInfo; e: TensorInfo };
    const shape = backend_util.assertAndGetBroadcastShape(backend_util.assertAndGetBroadcastShape(condition.shape, t.shape), e.shape);
    const n = util.sizeFromShape(shape);
    // select_f32 only moves 4-byte values (no arithmetic), so int32 branches pass through bit for bit.
    const o = backend.output(shape, t.dtype);
    if (n > 0) {
      const layout = packLayout(shape, [condition, t, e].map((x) => broadcastStrides(x.shape, shape)));
      backend.launch('elementwise-binary', 'select_f32', gridFor(n), [THREADS], [{ ptr: backend.pointer(condition) }, { ptr: backend.pointer(t) }, { ptr: backend.pointer(e) }, { ptr: o.ptr }, { i32: n }, { bytes: layout }]);
    }
    return o.info;
  }),
  kernel('AddN', ({ inputs, backend }) => {
    const xs = Object.values(inputs);
    if (xs.length === 1) return backend.alias(xs[0]!, xs[0]!.shape);
    let acc = runBinary(backend, 'binary_add', xs[0]!, xs[1]!, 'float32');
    for (const x of xs.slice(2)) {
      const next = runBinary(backend, 'binary_add', acc, x, 'float32');
      backend.disposeData(acc.dataId);
      acc = next;
    }
    return acc;
  }),
];
