// Fused GELU for core's LlmkitGelu / LlmkitGeluGrad on gelu.cu: one elementwise launch each way,
// exact (erf) or GPT-2's tanh approximation by the `approximate` attribute.
import { util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';
import { THREADS, gridFor } from '../kernels/shared.js';

const form = (attrs: Record<string, unknown> | undefined) => (attrs?.approximate === 'tanh' ? 'gelu_tanh' : 'gelu_erf');

export const geluForward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as CudaKernelBackend;
  const { x } = inputs as Record<string, TensorInfo>;
  const n = util.sizeFromShape(x!.shape);
  const y = b.output(x!.shape, 'float32');
  if (n > 0) b.launch('gelu', `${form(attrs)}_forward`, gridFor(n), [THREADS], [{ ptr: b.pointer(x!) }, { ptr: y.ptr }, { i32: n }]);
  return y.info;
};

export const geluBackward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as CudaKernelBackend;
  const { dy, x } = inputs as Record<string, TensorInfo>;
  const n = util.sizeFromShape(x!.shape);
  const dx = b.output(x!.shape, 'float32');
  if (n > 0) b.launch('gelu', `${form(attrs)}_backward`, gridFor(n), [THREADS], [{ ptr: b.pointer(x!) }, { ptr: b.pointer(dy!) }, { ptr: dx.ptr }, { i32: n }]);
  return dx.info;
};
