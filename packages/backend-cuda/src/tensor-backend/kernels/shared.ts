// What every kernel file of the 'cuda' backend uses: the backend from a kernel's arguments, launch
// sizes, and the host path for int32 arithmetic (the .cu kernels are float32; int32 math in llmkit
// is index bookkeeping on small tensors, so reading it back is cheaper than a second kernel set).
import { util, type DataType, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';

export const BACKEND = 'cuda';
export const THREADS = 256;

/** Grid for a grid-stride loop over n elements (at most 4096 blocks). */
export function gridFor(n: number): [number] {
  return [Math.max(1, Math.min(4096, Math.ceil(n / THREADS)))];
}

export function kernel(kernelName: string, kernelFunc: (args: { inputs: Record<string, TensorInfo>; backend: CudaKernelBackend; attrs: Record<string, unknown> }) => TensorInfo | TensorInfo[]): KernelConfig {
  return { kernelName, backendName: BACKEND, kernelFunc: kernelFunc as unknown as KernelFunc };
}

export const size = (t: TensorInfo): number => util.sizeFromShape(t.shape);

/** Runs `f` over host copies of the inputs and uploads the result (int32 paths). */
export function onHost(backend: CudaKernelBackend, inputs: TensorInfo[], shape: number[], dtype: DataType, f: (values: ArrayLike<number>[]) => ArrayLike<number>): TensorInfo {
  const values = inputs.map((t) => backend.readSync(t.dataId) as ArrayLike<number>);
  const out = f(values);
  const typed = dtype === 'int32' ? Int32Array.from(out) : Float32Array.from(out);
  return { dataId: backend.write(typed, shape, dtype), shape, dtype };
}
