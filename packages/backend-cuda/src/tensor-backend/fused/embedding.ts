// Fused embedding for core's LlmkitEmbedding / LlmkitEmbeddingGrad on gather.cu: a row gather
// forward, a scatter-add (atomicAdd into a zeroed [V, C]) backward. The ids are read on the host in
// the forward (N int32 values) to reject one outside [0, V) with core's ShapeError, since the device
// kernels skip such ids; the backward takes the ids its forward checked.
import { util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { ShapeError } from '@llmkit/core';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';
import { THREADS, gridFor } from '../kernels/shared.js';
import { fillTensor } from '../kernels/shape.js';

export const embeddingForward: KernelFunc = ({ inputs, backend }) => {
  const b = backend as CudaKernelBackend;
  const { weight, ids } = inputs as Record<string, TensorInfo>;
  const [v, c] = weight!.shape as [number, number];
  const values = b.readSync(ids!.dataId) as Int32Array;
  const bad = values.findIndex((id) => id < 0 || id >= v);
  if (bad >= 0) throw new ShapeError(`embedding: id ${values[bad]} at position ${bad} is outside [0, ${v})`);
  const y = b.output([...ids!.shape, c], 'float32');
  const n = values.length * c;
  if (n > 0) {
    b.launch('gather', 'gather_f32', gridFor(n), [THREADS], [{ ptr: b.pointer(weight!) }, { ptr: b.pointer(ids!) }, { ptr: y.ptr }, { i32: 1 }, { i32: v }, { i32: c }, { i32: values.length }]);
  }
  return y.info;
};

export const embeddingBackward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as CudaKernelBackend;
  const { dy, ids } = inputs as Record<string, TensorInfo>;
  const v = attrs!.vocabSize as number;
  const c = dy!.shape[dy!.shape.length - 1]!;
  const count = util.sizeFromShape(ids!.shape);
  const dweight = fillTensor(b, [v, c], 'float32', 0);
  if (count * c > 0) {
    b.launch('gather', 'gather_backward', gridFor(count * c), [THREADS], [{ ptr: b.pointer(dy!) }, { ptr: b.pointer(ids!) }, { ptr: b.pointer(dweight) }, { i32: 1 }, { i32: v }, { i32: c }, { i32: count }]);
  }
  return dweight;
};
