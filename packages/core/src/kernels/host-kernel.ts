// Host kernels: fused implementations of core's composite kernels as plain loops over typed
// arrays, for backends whose tensors live in host memory (tfjs's cpu backend, the wasm heap).
// A backend supplies a `HostMemory` adapter; the math is written once, here.
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelOverride } from '../backend/backend.js';

export type HostArray = Float32Array | Int32Array | Uint8Array;

/** How a backend exposes tensor memory to host kernels. */
export interface HostMemory {
  /**
   * Allocates an output tensor. Allocate every output before taking any `view`: on the wasm
   * backend an allocation may grow the heap and detach earlier views.
   */
  alloc(shape: readonly number[], dtype: 'float32' | 'int32'): TensorInfo;
  /** A view of a tensor's data in host memory, readable and (for outputs) writable in place. */
  view(info: TensorInfo): HostArray;
}

/** A fused composite kernel over host memory. */
export interface HostKernel {
  readonly kernelName: string;
  run(inputs: Record<string, TensorInfo>, attrs: NamedAttrMap, memory: HostMemory): TensorInfo[];
}

/** Turns host kernels into `KernelOverride`s for a backend, given how to reach its memory. */
export function hostKernelOverrides(kernels: readonly HostKernel[], memoryOf: (backend: unknown) => HostMemory): KernelOverride[] {
  return kernels.map((k) => {
    const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) => {
      const outs = k.run(inputs as unknown as Record<string, TensorInfo>, attrs ?? {}, memoryOf(backend));
      return outs.length === 1 ? (outs[0] as TensorInfo) : outs;
    };
    return { kernelName: k.kernelName, kernelFunc };
  });
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Rows and columns of a tensor seen as [rows, lastDim]. */
export function rowsCols(info: TensorInfo): [number, number] {
  const cols = info.shape[info.shape.length - 1] ?? 1;
  return [cols === 0 ? 0 : sizeOf(info.shape) / cols, cols];
}

export function f32(a: HostArray): Float32Array {
  return a as Float32Array;
}
