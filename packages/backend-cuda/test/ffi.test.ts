// The FFI layer against the real libraries (no GPU): status codes become CudaErrors naming the
// call and the status; NVRTC compiles and reports its log; the row-major GEMM's operand swap
// computes what a row-major product computes (checked with a column-major reference GEMM in JS).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BackendError } from '@llmkit/core';
import { CudaDriver, type DevicePointer } from '../src/ffi/driver.js';
import { Nvrtc } from '../src/ffi/nvrtc.js';
import { columnMajorArguments } from '../src/ffi/cublas.js';
import { CudaError } from '../src/errors.js';
import { LIBCUDA, LIBNVRTC } from '../src/ffi/discovery.js';
import { describeWithLibrary } from './cuda-libs.js';

describeWithLibrary(LIBCUDA, 'driver bindings without a GPU', () => {
  it('cuDriverGetVersion answers without a device', () => {
    const v = CudaDriver.open().driverVersion();
    expect(v).toBeGreaterThanOrEqual(11000);
  });

  it('a failing call is a CudaError naming the call and the status (cuInit → CUDA_ERROR_NO_DEVICE)', () => {
    const driver = CudaDriver.open();
    let error: unknown;
    try {
      driver.init();
    } catch (e) {
      error = e;
    }
    expect(CudaError.isInstance(error)).toBe(true);
    expect(BackendError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ call: 'cuInit', status: 100, statusName: 'CUDA_ERROR_NO_DEVICE', library: 'driver', message: 'cuInit failed: CUDA_ERROR_NO_DEVICE (100)' });
  });

  it('calls before a context fail typed, not with a crash (cuMemAlloc_v2, cuMemFree_v2)', () => {
    const driver = CudaDriver.open();
    expect(() => driver.alloc(1024)).toThrow(/^cuMemAlloc_v2 failed: CUDA_ERROR_(NOT_INITIALIZED|NO_DEVICE|INVALID_CONTEXT) \(\d+\)$/);
    expect(() => driver.free(16n as DevicePointer)).toThrow(/^cuMemFree_v2 failed: CUDA_ERROR_\w+ \(\d+\)$/);
  });
});

describeWithLibrary(LIBNVRTC, 'NVRTC bindings', () => {
  const src = 'extern "C" __global__ void scale(float* x, float a, int n) { int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) x[i] *= a; }';

  it('compiles to PTX and to an sm_80 cubin, with ptxas statistics in the log', () => {
    const out = Nvrtc.open().compile({ name: 'scale.cu', source: src }, ['--gpu-architecture=sm_80', '-Xptxas=-v']);
    expect(out.ptx).toMatch(/\.visible \.entry scale\(/);
    expect(out.cubin).not.toBeNull();
    expect(Array.from(out.cubin!.subarray(0, 4))).toEqual([0x7f, 0x45, 0x4c, 0x46]); // an ELF image
    expect(out.log).toMatch(/Compiling entry function 'scale' for 'sm_80'/);
    expect(out.log).toMatch(/0 bytes spill stores, 0 bytes spill loads/);
  });

  it('a compile error is a CudaError carrying the file name and NVRTC log', () => {
    let error: unknown;
    try {
      Nvrtc.open().compile({ name: 'broken.cu', source: 'extern "C" __global__ void f() { undeclared_name = 1; }' }, ['--gpu-architecture=compute_70']);
    } catch (e) {
      error = e;
    }
    expect(CudaError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ call: 'nvrtcCompileProgram(broken.cu)', status: 6, statusName: 'NVRTC_ERROR_COMPILATION', library: 'nvrtc' });
    expect((error as Error).message).toMatch(/broken\.cu\(1\): error: identifier "undeclared_name" is undefined/);
  });

  it('headers are passed by name (NVRTC reads no files)', () => {
    const out = Nvrtc.open().compile(
      { name: 'inc.cu', source: '#include "twice.cuh"\nextern "C" __global__ void f(float* x) { x[0] = twice(x[0]); }', headers: { 'twice.cuh': '__device__ float twice(float v) { return 2.f * v; }' } },
      ['--gpu-architecture=compute_70'],
    );
    expect(out.ptx).toMatch(/\.entry f\(/);
    expect(out.cubin).toBeNull();
  });
});

/** cuBLAS's column-major SGEMM semantics on plain arrays (the reference the swap is checked against). */
function sgemmColumnMajor(a: ReturnType<typeof columnMajorArguments>, A: Float32Array, B: Float32Array, C: Float32Array): void {
  for (let j = 0; j < a.n; j++) {
    for (let i = 0; i < a.m; i++) {
      let s = 0;
      for (let p = 0; p < a.k; p++) {
        const av = a.transa ? A[p + i * a.lda]! : A[i + p * a.lda]!;
        const bv = a.transb ? B[j + p * a.ldb]! : B[p + j * a.ldb]!;
        s += av * bv;
      }
      C[i + j * a.ldc] = s;
    }
  }
}

describe('row-major GEMM through operand swap', () => {
  it('column-major cuBLAS arguments of the swap equal the row-major product op(A)·op(B), for every shape and transpose', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.boolean(), (m, n, k, ta, tb) => {
        const A = Float32Array.from({ length: m * k }, (_, i) => ((i * 7) % 5) - 2);
        const B = Float32Array.from({ length: k * n }, (_, i) => ((i * 3) % 7) - 3);
        // Row-major reference: A is [m,k] (or [k,m] used transposed), B is [k,n] (or [n,k]).
        const expected = new Float32Array(m * n);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += (ta ? A[p * m + i]! : A[i * k + p]!) * (tb ? B[j * k + p]! : B[p * n + j]!);
            expected[i * n + j] = s;
          }
        const args = columnMajorArguments({ m, n, k, a: 1n as DevicePointer, b: 2n as DevicePointer, c: 3n as DevicePointer, transposeA: ta, transposeB: tb });
        expect(args.A).toBe(2n); // B goes first
        const C = new Float32Array(m * n);
        sgemmColumnMajor(args, B, A, C);
        expect(Array.from(C)).toEqual(Array.from(expected));
      }),
      { seed: 12, numRuns: 100 },
    );
  });
});
