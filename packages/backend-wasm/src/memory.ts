// How llmkit's kernels reach tensor memory on tfjs's wasm backend: views of the wasm heap, taken
// after every output is allocated (an allocation may grow the heap and detach old views).
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { HostArray, HostMemory } from '@llmkit/core/kernels';

/** The parts of tfjs-wasm's BackendWasm llmkit's kernels use. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): HostArray;
  disposeData(dataId: object, force?: boolean): boolean;
}

export function wasmMemory(backend: unknown): HostMemory {
  const b = backend as WasmBackendLike;
  return {
    alloc: (shape, dtype) => b.makeOutput([...shape], dtype),
    view: (info) => b.typedArrayFromHeap(info),
  };
}
