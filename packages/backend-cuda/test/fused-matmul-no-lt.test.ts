// Without libcublasLt (a hand-picked LLMKIT_CUBLAS folder can lack it), tf.fused.matMul still runs:
// cuBLAS's product, then the bias and activation kernels, equal to tfjs-cpu within 1e-5; the
// missing library is said once on stderr, and other Lt failures are not swallowed.
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it, vi } from 'vitest';
import '@llmkit/backend-cpu';
import { tf, useBackend } from '@llmkit/core';
import { createCudaBackend } from '../src/backend.js';
import { CublasLt } from '../src/ffi/cublaslt.js';
import { CudaError } from '../src/errors.js';
import { CudaKernelBackend } from '../src/tensor-backend/cuda-kernel-backend.js';
import { buildDriverDouble } from './double/build.js';
import { onRealGpu, randomFloats } from './kernel-harness.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const MISSING = '/nonexistent/libcublasLt.so.11';

function backendWithoutLt(name: string) {
  const so = onRealGpu ? null : buildDriverDouble();
  const env = { ...process.env, ...(so ? { LLMKIT_CUDA_LIBCUDA: so, LLMKIT_CUBLAS: so } : {}), LLMKIT_CUBLASLT: MISSING };
  return createCudaBackend({
    name,
    experimental: true,
    kernelsDir: fileURLToPath(new URL('../dist/kernels', import.meta.url)),
    search: { env, cwd: process.cwd(), home: process.env.HOME ?? '/' },
  });
}

const r = (shape: number[], seed: number) => tf.tensor(randomFloats(shape.reduce((a, b) => a * b, 1), seed, 2), shape);
const fused = () => tf.fused.matMul({ a: r([5, 7], 1), b: r([7, 3], 2), bias: r([3], 3), activation: 'relu' });

it('falls back to cuBLAS + the add kernel, equal to tfjs-cpu, and says once that cuBLASLt is missing', async () => {
  await useBackend('cpu');
  const expected = Array.from(await tf.tidy(fused).data());
  await useBackend(backendWithoutLt('cuda-no-lt'));
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const lt = vi.spyOn(CublasLt.prototype, 'gemmBiasRowMajor');
  const before = tf.memory().numTensors;
  for (let i = 0; i < 2; i++) {
    const y = tf.tidy(fused);
    const got = Array.from(await y.data());
    y.dispose();
    expect(got.reduce((m, v, j) => Math.max(m, Math.abs(v - expected[j]!)), 0)).toBeLessThan(1e-5);
  }
  expect(tf.memory().numTensors).toBe(before);
  expect(lt).not.toHaveBeenCalled();
  const said = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('cuBLASLt'));
  expect(said).toHaveLength(1);
  expect(said[0]).toContain(MISSING);
  expect(said[0]).toContain('separate kernels');
});

it('cublasLtIfInstalled: only a missing library becomes null (said once); any other failure throws', () => {
  const notFound = new CudaError({ library: 'loader', call: 'dlopen', status: 0, statusName: 'LIBRARY_NOT_FOUND' }, `libcublasLt not found. Tried: ${MISSING}.`);
  const createFailed = new CudaError({ library: 'cublasLt', call: 'cublasLtCreate', status: 1, statusName: 'CUBLAS_STATUS_NOT_INITIALIZED' }, 'cublasLtCreate failed: CUBLAS_STATUS_NOT_INITIALIZED (1)');
  const none = null as never; // the driver, allocator and stream are not touched by these calls
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  let opens = 0;
  const missing = new CudaKernelBackend(none, none, none, null, null, () => {
    opens++;
    throw notFound;
  });
  expect(missing.cublasLtIfInstalled()).toBeNull();
  expect(missing.cublasLtIfInstalled()).toBeNull();
  expect([opens, warn.mock.calls.length]).toEqual([1, 1]);
  const broken = new CudaKernelBackend(none, none, none, null, null, () => {
    throw createFailed;
  });
  expect(() => broken.cublasLtIfInstalled()).toThrow(/CUBLAS_STATUS_NOT_INITIALIZED/);
});
