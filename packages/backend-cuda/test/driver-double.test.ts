// The driver test double (test/double/cuda-driver-double.c, built with the system compiler) behind
// the package's own koffi bindings: the 'cuda' backend's data path — tensors in device memory,
// uploads and reads, tf.memory() in device bytes, the caching allocator, the typed out-of-memory
// error — and the double's own validation (it must fail where the driver fails).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend, BackendError } from '@llmkit/core';
import { createCudaBackend } from '../src/backend.js';
import { CudaDriver, type DevicePointer } from '../src/ffi/driver.js';
import { CudaError } from '../src/errors.js';
import type { CudaMemoryInfo } from '../src/tensor-backend/cuda-kernel-backend.js';
import { buildDriverDouble } from './double/build.js';

let doublePath: string;
const search = () => ({ env: { LLMKIT_CUDA_LIBCUDA: doublePath, LLMKIT_CUBLAS: doublePath }, cwd: process.cwd(), home: '/nonexistent' });
const kernelsDir = fileURLToPath(new URL('../dist/kernels', import.meta.url));

beforeAll(() => {
  doublePath = buildDriverDouble();
  process.env.LLMKIT_DOUBLE_MEMORY = String(64 << 20);
});
afterAll(() => {
  delete process.env.LLMKIT_DOUBLE_MEMORY;
});

describe('the double validates as the driver does', () => {
  it('allocation, free and memory info through the bindings, in the capacity LLMKIT_DOUBLE_MEMORY sets', () => {
    const d = CudaDriver.open(search());
    d.init();
    d.retainPrimaryContext(d.device(0));
    const p = d.alloc(64);
    d.free(p);
    expect(d.memInfo()).toEqual({ free: 64 << 20, total: 64 << 20 });
  });

  it('a double free and a copy past the end of an allocation are CudaErrors naming the call', () => {
    const d = CudaDriver.open(search());
    d.init();
    d.retainPrimaryContext(d.device(0));
    const p = d.alloc(16);
    expect(() => d.copyToDevice(p, new Float32Array(5))).toThrow(/^cuMemcpyHtoDAsync_v2 failed: CUDA_ERROR_INVALID_VALUE \(1\)$/);
    expect(() => d.copyToHost(new Float32Array(4), (p + 4n) as DevicePointer)).toThrow(/^cuMemcpyDtoHAsync_v2 failed: CUDA_ERROR_INVALID_VALUE/);
    d.copyToDevice(p, new Float32Array([1, 2, 3, 4]));
    d.free(p);
    expect(() => d.free(p)).toThrow(/^cuMemFree_v2 failed: CUDA_ERROR_INVALID_VALUE \(1\)$/);
    expect(() => d.device(3)).toThrow(/^cuDeviceGet failed: CUDA_ERROR_INVALID_DEVICE \(101\)$/);
  });

  it('an empty module image is CUDA_ERROR_INVALID_IMAGE', () => {
    const d = CudaDriver.open(search());
    d.init();
    d.retainPrimaryContext(d.device(0));
    expect(() => d.loadModule(new Uint8Array([0]))).toThrow(/^cuModuleLoadData failed: CUDA_ERROR_INVALID_IMAGE \(200\)$/);
  });
});

describe("the 'cuda' backend's data path on the double", () => {
  it('without `experimental`, init says what it found and that the kernels are unverified on GPUs', async () => {
    const backend = createCudaBackend({ name: 'cuda-double-strict', search: search(), experimental: false });
    const error = await useBackend(backend).catch((e: unknown) => e);
    expect(BackendError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^Backend 'cuda-double-strict' failed to initialise: found llmkit CPU test double \(sm_80, CUDA 12\.2\), but @llmkit\/backend-cuda's kernels have only run on its CPU test double, never on a GPU.*LLMKIT_CUDA_EXPERIMENTAL=1/,
    );
  });

  describe('with the data path enabled', () => {
    beforeAll(async () => {
      await useBackend(createCudaBackend({ name: 'cuda-double', search: search(), experimental: true, kernelsDir }));
    });

    it('float32, int32 and bool tensors round-trip through device memory', async () => {
      const f = tf.tensor2d([[1.5, -2], [3, 1e-8]]);
      const i = tf.tensor1d([7, -3, 2 ** 30], 'int32');
      const b = tf.tensor1d([true, false, true], 'bool');
      const e = tf.tensor1d([], 'float32');
      expect(tf.getBackend()).toBe('cuda');
      expect(Array.from(await f.data())).toEqual([1.5, -2, 3, Math.fround(1e-8)]);
      expect(await i.data()).toEqual(new Int32Array([7, -3, 2 ** 30]));
      expect(await b.data()).toEqual(new Uint8Array([1, 0, 1]));
      expect(f.dataSync()).toEqual(new Float32Array([1.5, -2, 3, Math.fround(1e-8)]));
      expect(await e.data()).toEqual(new Float32Array(0));
      tf.dispose([f, i, b, e]);
    });

    it('tf.memory() reports device bytes; disposing returns them to the cache', () => {
      const before = tf.memory() as tf.MemoryInfo & CudaMemoryInfo;
      const x = tf.zeros([1000]); // written through the engine: 4000 B -> one 4096 B block
      const during = tf.memory() as tf.MemoryInfo & CudaMemoryInfo;
      expect(during.numBytesInGPU - before.numBytesInGPU).toBe(4096);
      x.dispose();
      const after = tf.memory() as tf.MemoryInfo & CudaMemoryInfo;
      expect(after.numBytesInGPU).toBe(before.numBytesInGPU);
      expect(after.numBytesInGPUAllocated).toBeGreaterThanOrEqual(4096);
    });

    it('200 steps of creating and disposing the same tensors leak nothing and reuse cached blocks', () => {
      const start = tf.memory() as tf.MemoryInfo & CudaMemoryInfo;
      for (let step = 0; step < 200; step++) {
        const ts = [tf.ones([64, 64]), tf.tensor1d([1, 2, 3], 'int32'), tf.scalar(step)];
        tf.dispose(ts);
      }
      const end = tf.memory() as tf.MemoryInfo & CudaMemoryInfo;
      expect(end.numTensors).toBe(start.numTensors);
      expect(end.numBytesInGPU).toBe(start.numBytesInGPU);
      // Three distinct rounded sizes at most were ever allocated for the loop.
      expect(end.numBytesInGPUAllocated - start.numBytesInGPUAllocated).toBeLessThanOrEqual(16384 + 512 + 512);
    });

    it('a tensor larger than the device is a typed out-of-memory error naming its shape and what to reduce', () => {
      const before = tf.memory() as tf.MemoryInfo & CudaMemoryInfo;
      let error: unknown;
      try {
        tf.zeros([5000, 5000]); // 100 MB on a 64 MiB double
      } catch (e) {
        error = e;
      }
      expect(CudaError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ call: 'cuMemAlloc_v2', statusName: 'CUDA_ERROR_OUT_OF_MEMORY' });
      expect((error as Error).message).toMatch(/^out of GPU memory allocating 95\.4 MiB for a float32 tensor of shape \[5000, 5000\]: tensors hold .* Reduce the batch size/);
      // The failed request holds nothing afterwards.
      const after = tf.memory() as tf.MemoryInfo & CudaMemoryInfo;
      expect(after.numBytesInGPU).toBe(before.numBytesInGPU);
      expect(after.numTensors).toBe(before.numTensors);
    });
  });
});
