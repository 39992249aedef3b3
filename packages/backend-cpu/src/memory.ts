// How llmkit's host kernels reach tensor memory on tfjs's cpu backend: plain JS typed arrays.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { HostArray, HostMemory } from '@llmkit/core/kernels';

interface CpuBackendLike {
  makeTensorInfo(shape: number[], dtype: string, values?: HostArray): TensorInfo;
  data: { get(dataId: object): { values: HostArray } | undefined };
}

export function cpuMemory(backend: unknown): HostMemory {
  const b = backend as CpuBackendLike;
  return {
    alloc(shape, dtype) {
      const size = shape.reduce((a, d) => a * d, 1);
      return b.makeTensorInfo([...shape], dtype, dtype === 'float32' ? new Float32Array(size) : new Int32Array(size));
    },
    view(info) {
      const values = b.data.get(info.dataId)?.values;
      if (!values) throw new Error(`cpu backend: no host data for tensor of shape [${info.shape.join(', ')}]`);
      return values;
    },
  };
}
