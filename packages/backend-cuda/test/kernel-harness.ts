// Runs the package's kernels by name on a device: the CPU test double by default (the .cu sources
// compiled with g++ through cuda-emulation.h), or the real GPU with LLMKIT_CUDA_TARGET=real (what
// scripts/gpu-check.sh does). Uploads, launches and reads through the package's own bindings.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CudaDriver, type DevicePointer, type KernelArg, type CuStream } from '../src/ffi/driver.js';
import { KernelModules } from '../src/kernels/modules.js';
import { Cublas } from '../src/ffi/cublas.js';
import { CublasLt } from '../src/ffi/cublaslt.js';
import type { KernelManifest } from '../src/kernels/images.js';
import { buildDriverDouble } from './double/build.js';
import { createCudaBackend } from '../src/backend.js';
import type { Backend } from '@llmkit/core';

/** The 'cuda' backend for tests: on the CPU double, or on the real GPU with LLMKIT_CUDA_TARGET=real. */
export function testCudaBackend(options: { name: string; fused?: boolean }): Backend {
  const so = onRealGpu ? null : buildDriverDouble();
  return createCudaBackend({
    ...options,
    experimental: true,
    kernelsDir: fileURLToPath(new URL('../dist/kernels', import.meta.url)),
    search: { env: so ? { ...process.env, LLMKIT_CUDA_LIBCUDA: so, LLMKIT_CUBLAS: so, LLMKIT_CUBLASLT: so } : process.env, cwd: process.cwd(), home: process.env.HOME ?? '/' },
  });
}

export const onRealGpu = process.env.LLMKIT_CUDA_TARGET === 'real';
const distKernels = fileURLToPath(new URL('../dist/kernels', import.meta.url));

export interface Harness {
  readonly driver: CudaDriver;
  /** cuBLAS on the harness's stream: the double's, or the real one on a GPU. */
  cublas(): Cublas;
  /** cuBLASLt on the harness's stream with a 1 MiB workspace (freed by `destroyLt`). */
  cublasLt(): CublasLt;
  destroyLt(): void;
  upload(values: Float32Array | Int32Array | Uint8Array): DevicePointer;
  zeros(count: number): DevicePointer;
  read(ptr: DevicePointer, count: number): Float32Array;
  readInt(ptr: DevicePointer, count: number): Int32Array;
  launch(family: string, name: string, grid: [number, number?, number?], block: [number, number?, number?], args: KernelArg[]): void;
  freeAll(): void;
}

export function openHarness(): Harness {
  const double = onRealGpu ? null : buildDriverDouble();
  const env = double ? { LLMKIT_CUDA_LIBCUDA: double, LLMKIT_CUBLAS: double, LLMKIT_CUBLASLT: double } : {};
  const driver = CudaDriver.open({ env: { ...process.env, ...env }, cwd: process.cwd(), home: '/nonexistent' });
  driver.init();
  const device = driver.device(0);
  driver.retainPrimaryContext(device);
  const cc = 10 * driver.deviceAttribute(device, 75) + driver.deviceAttribute(device, 76);
  const stream: CuStream = driver.createStream();
  const manifest = JSON.parse(readFileSync(`${distKernels}/manifest.json`, 'utf8')) as KernelManifest;
  const modules = new KernelModules(driver, cc, distKernels, manifest, null);
  const live: DevicePointer[] = [];
  const alloc = (bytes: number) => {
    const p = driver.alloc(Math.max(4, bytes));
    live.push(p);
    return p;
  };
  let blas: Cublas | null = null;
  let lt: CublasLt | null = null;
  return {
    driver,
    cublas() {
      if (!blas) {
        blas = Cublas.open({ env: { ...process.env, ...env }, cwd: process.cwd(), home: '/nonexistent' });
        blas.create(stream);
      }
      return blas;
    },
    cublasLt() {
      lt ??= CublasLt.openWithWorkspace(driver, stream, 1 << 20, { env: { ...process.env, ...env }, cwd: process.cwd(), home: '/nonexistent' });
      return lt;
    },
    destroyLt() {
      lt?.destroy();
      lt = null;
    },
    upload(values) {
      const p = alloc(values.byteLength);
      driver.copyToDevice(p, values, stream);
      driver.synchronizeStream(stream);
      return p;
    },
    zeros(count) {
      const p = alloc(count * 4);
      driver.fill32(p, 0, Math.max(1, count), stream);
      return p;
    },
    read(ptr, count) {
      const out = new Float32Array(count);
      driver.copyToHost(out, ptr, stream);
      driver.synchronizeStream(stream);
      return out;
    },
    readInt(ptr, count) {
      const out = new Int32Array(count);
      driver.copyToHost(out, ptr, stream);
      driver.synchronizeStream(stream);
      return out;
    },
    launch(family, name, grid, block, args) {
      driver.launch(modules.fn(family, name), { grid, block, stream }, args);
      driver.synchronizeStream(stream);
    },
    freeAll() {
      for (const p of live.splice(0)) driver.free(p);
    },
  };
}

/** Seeded uniform values in [-scale, scale) (mulberry32). */
export function randomFloats(n: number, seed: number, scale = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** Largest |a - b| over two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
