// Row-major GEMMs through cuBLAS by operand swap, run on the cuBLAS test double (column-major
// loops, argument checks as cuBLAS), or on a real GPU with LLMKIT_CUDA_TARGET=real.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CudaError } from '../src/errors.js';
import type { DevicePointer } from '../src/ffi/driver.js';
import { openHarness, randomFloats, maxAbsDiff, type Harness } from './kernel-harness.js';

let h: Harness;
beforeAll(() => {
  h = openHarness();
});
afterAll(() => h?.freeAll());

/** Row-major C[b] = op(A[b]) op(B[b]) in float64; a batch stride of 0 broadcasts that operand. */
function reference(a: Float32Array, b: Float32Array, m: number, n: number, k: number, ta: boolean, tb: boolean, batch: number, sa: number, sb: number) {
  const c = new Float64Array(batch * m * n);
  for (let z = 0; z < batch; z++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += (ta ? a[z * sa + p * m + i]! : a[z * sa + i * k + p]!) * (tb ? b[z * sb + j * k + p]! : b[z * sb + p * n + j]!);
        c[z * m * n + i * n + j] = s;
      }
  return c;
}

describe('cuBLAS row-major GEMM', () => {
  it('equals the row-major product for every shape, transpose and batch broadcast (tolerance 1e-5)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }),
        fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 3 }), fc.boolean(),
        (m, n, k, ta, tb, batch, broadcastB) => {
          const sa = m * k, sb = broadcastB ? 0 : k * n;
          const a = randomFloats(batch * sa, m * 31 + k), b = randomFloats(broadcastB ? k * n : batch * sb, n * 17 + k);
          const pa = h.upload(a), pb = h.upload(b), pc = h.zeros(batch * m * n);
          h.cublas().gemmRowMajor({ m, n, k, a: pa, b: pb, c: pc, transposeA: ta, transposeB: tb, batch, strideA: sa, strideB: sb, strideC: m * n });
          expect(maxAbsDiff(h.read(pc, batch * m * n), reference(a, b, m, n, k, ta, tb, batch, sa, sb))).toBeLessThanOrEqual(1e-5);
          h.freeAll();
        },
      ),
      { seed: 12, numRuns: 40 },
    );
  });

  it('a leading dimension below its matrix rows is CUBLAS_STATUS_INVALID_VALUE; an operand past its allocation fails', () => {
    const blas = h.cublas();
    const pa = h.zeros(4), pc = h.zeros(4);
    let error: unknown;
    try {
      // n = 0 makes the swapped column-major call's lda = n = 0, below cuBLAS's minimum of 1.
      blas.gemmRowMajor({ m: 2, n: 0, k: 2, a: pa, b: pa, c: pc });
    } catch (e) {
      error = e;
    }
    expect(CudaError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ call: 'cublasSgemm_v2', statusName: 'CUBLAS_STATUS_INVALID_VALUE', library: 'cublas' });
    expect(() => blas.gemmRowMajor({ m: 4, n: 4, k: 4, a: pa as DevicePointer, b: pa, c: pc })).toThrow(/^cublasSgemm_v2 failed: CUBLAS_STATUS_EXECUTION_FAILED \(13\)$/);
  });
});
