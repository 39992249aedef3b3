// Row-major GEMMs with fused bias/ReLU/GELU epilogues through cuBLASLt (operand swap), on the
// cuBLASLt test double or on a real GPU with LLMKIT_CUDA_TARGET=real: equal to the cuBLAS path
// (cublasSgemm) plus a float64 epilogue, for every transpose, batch and broadcast; the per-shape
// plan cache; Lt's argument checks as typed errors naming the call and the status.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CudaError } from '../src/errors.js';
import { LT_DESC, LT_EPILOGUE, epilogueFor, type LtActivation } from '../src/ffi/cublaslt.js';
import { onRealGpu, openHarness, randomFloats, maxAbsDiff, type Harness } from './kernel-harness.js';

let h: Harness;
beforeAll(() => {
  h = openHarness();
});
afterAll(() => {
  h?.destroyLt();
  h?.freeAll();
});

const geluTanh = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** The cuBLAS product (already checked against float64 in cublas-run) then bias per output column and the activation in float64. */
function viaCublas(m: number, n: number, k: number, ta: boolean, tb: boolean, batch: number, a: Float32Array, b: Float32Array, sb: number, bias: Float32Array | null, act: LtActivation) {
  const pa = h.upload(a), pb = h.upload(b), pc = h.zeros(batch * m * n);
  h.cublas().gemmRowMajor({ m, n, k, a: pa, b: pb, c: pc, transposeA: ta, transposeB: tb, batch, strideA: m * k, strideB: sb, strideC: m * n });
  const c = Float64Array.from(h.read(pc, batch * m * n));
  for (let i = 0; i < c.length; i++) {
    let v = c[i]! + (bias ? bias[i % n]! : 0);
    if (act === 'relu') v = Math.max(v, 0);
    if (act === 'gelu') v = geluTanh(v);
    c[i] = v;
  }
  return c;
}

describe('cuBLASLt row-major GEMM with epilogues', () => {
  it('equals cuBLAS + bias per output column + activation for every shape, transpose, batch and broadcast (tolerance 1e-5)', () => {
    const lt = h.cublasLt();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }),
        fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.boolean(), fc.constantFrom<LtActivation>('none', 'relu', 'gelu'),
        (m, n, k, ta, tb, batch, broadcastB, withBias, act) => {
          const sb = broadcastB ? 0 : k * n;
          const a = randomFloats(batch * m * k, m * 31 + k), b = randomFloats(broadcastB ? k * n : batch * k * n, n * 17 + k);
          const bias = withBias ? randomFloats(n, 7 * n + m) : null;
          const want = viaCublas(m, n, k, ta, tb, batch, a, b, sb, bias, act);
          const pa = h.upload(a), pb = h.upload(b), pc = h.upload(new Float32Array(batch * m * n).fill(Number.NaN));
          lt.gemmBiasRowMajor({
            m, n, k, a: pa, b: pb, c: pc, transposeA: ta, transposeB: tb, batch, strideA: m * k, strideB: sb, strideC: m * n,
            bias: bias ? h.upload(bias) : null, activation: act,
          });
          expect(maxAbsDiff(h.read(pc, batch * m * n), want)).toBeLessThanOrEqual(1e-5);
          h.freeAll();
        },
      ),
      { seed: 12, numRuns: 60 },
    );
  });

  it('a non-square bias is added per output column n, not per row m (m=2, n=3, hand-computed)', () => {
    // A = [[1, 2], [3, 4]] (2x2), B = I2 padded to [2, 3] = [[1, 0, 0], [0, 1, 0]], bias = [10, 20, 30].
    const pa = h.upload(Float32Array.of(1, 2, 3, 4)), pb = h.upload(Float32Array.of(1, 0, 0, 0, 1, 0)), pc = h.zeros(6);
    h.cublasLt().gemmBiasRowMajor({ m: 2, n: 3, k: 2, a: pa, b: pb, c: pc, bias: h.upload(Float32Array.of(10, 20, 30)) });
    expect(Array.from(h.read(pc, 6))).toEqual([11, 22, 30, 13, 24, 30]);
    h.freeAll();
  });

  it('reuses one plan per shape and epilogue (no descriptor churn across steps)', () => {
    const lt = h.cublasLt();
    const before = lt.cachedPlans;
    const pa = h.upload(randomFloats(12, 1)), pb = h.upload(randomFloats(20, 2)), pc = h.zeros(15), bias = h.upload(randomFloats(5, 3));
    for (let step = 0; step < 5; step++) lt.gemmBiasRowMajor({ m: 3, n: 5, k: 4, a: pa, b: pb, c: pc, bias, activation: 'relu' });
    expect(lt.cachedPlans).toBe(before + 1);
    lt.gemmBiasRowMajor({ m: 3, n: 5, k: 4, a: pa, b: pb, c: pc, bias });
    expect(lt.cachedPlans).toBe(before + 2);
    h.freeAll();
  });

  it('epilogue values are cublasLt.h\'s and follow bias x activation', () => {
    expect(LT_EPILOGUE).toEqual({ DEFAULT: 1, RELU: 2, BIAS: 4, RELU_BIAS: 6, GELU: 32, GELU_BIAS: 36 });
    expect([epilogueFor(false, 'none'), epilogueFor(true, 'none'), epilogueFor(false, 'relu'), epilogueFor(true, 'relu'), epilogueFor(true, 'gelu')]).toEqual([1, 4, 2, 6, 36]);
  });
});

// The double's statuses; a real GPU may fault differently on a short bias, so these run on the double only.
describe.skipIf(onRealGpu)('cuBLASLt argument checks are typed errors naming the call and the status', () => {
  const catchError = (f: () => void): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    throw new Error('expected a throw');
  };

  it('a leading dimension below the rows: no algorithm (NOT_SUPPORTED), and cublasLtMatmul refuses it (INVALID_VALUE)', () => {
    const lt = h.cublasLt();
    const desc = lt.matmulDesc(0, 0, LT_EPILOGUE.DEFAULT);
    const good = [lt.layout(3, 4, 3), lt.layout(4, 2, 4), lt.layout(3, 2, 3)] as const;
    const badA = lt.layout(3, 4, 2); // ld 2 < 3 rows
    const e1 = catchError(() => lt.heuristic(desc, badA, good[1], good[2]));
    expect(CudaError.isInstance(e1)).toBe(true);
    expect(e1).toMatchObject({ library: 'cublasLt', call: 'cublasLtMatmulAlgoGetHeuristic', statusName: 'CUBLAS_STATUS_NOT_SUPPORTED', status: 15 });
    const algo = lt.heuristic(desc, good[0], good[1], good[2]);
    const pa = h.zeros(12), pb = h.zeros(8), pc = h.zeros(6);
    lt.matmul(desc, algo, pa, good[0], pb, good[1], pc, good[2]);
    const e2 = catchError(() => lt.matmul(desc, algo, pa, badA, pb, good[1], pc, good[2]));
    expect(e2).toMatchObject({ call: 'cublasLtMatmul', statusName: 'CUBLAS_STATUS_INVALID_VALUE', status: 7 });
    expect((e2 as Error).message).toBe('cublasLtMatmul failed: CUBLAS_STATUS_INVALID_VALUE (7)');
    for (const l of [...good, badA]) lt.call('cublasLtMatrixLayoutDestroy', l);
    lt.call('cublasLtMatmulDescDestroy', desc);
    h.freeAll();
  });

  it('an unknown attribute or a wrong size is INVALID_VALUE at SetAttribute; a destroyed descriptor too', () => {
    const lt = h.cublasLt();
    const desc = lt.matmulDesc(0, 0, LT_EPILOGUE.BIAS);
    expect(() => lt.setDesc(desc, 9999, new Uint8Array(4))).toThrow(/^cublasLtMatmulDescSetAttribute failed: CUBLAS_STATUS_INVALID_VALUE \(7\)$/);
    expect(() => lt.setDesc(desc, LT_DESC.BIAS_POINTER, new Uint8Array(4))).toThrow(/CUBLAS_STATUS_INVALID_VALUE/);
    lt.call('cublasLtMatmulDescDestroy', desc);
    expect(() => lt.setDesc(desc, LT_DESC.TRANSA, new Uint8Array(4))).toThrow(/cublasLtMatmulDescSetAttribute failed/);
  });

  it('a bias epilogue without a bias is INVALID_VALUE; a bias past its allocation fails as the device would (EXECUTION_FAILED)', () => {
    const lt = h.cublasLt();
    const pa = h.zeros(6), pb = h.zeros(6), pc = h.zeros(4);
    const desc = lt.matmulDesc(0, 0, LT_EPILOGUE.BIAS);
    const la = lt.layout(2, 3, 2), lb = lt.layout(3, 2, 3), lc = lt.layout(2, 2, 2);
    const algo = lt.heuristic(desc, la, lb, lc);
    expect(() => lt.matmul(desc, algo, pa, la, pb, lb, pc, lc)).toThrow(/^cublasLtMatmul failed: CUBLAS_STATUS_INVALID_VALUE \(7\)$/);
    const shortBias = h.zeros(1); // D has 2 rows: the bias needs 2 floats
    lt.setBias(desc, shortBias);
    expect(() => lt.matmul(desc, algo, pa, la, pb, lb, pc, lc)).toThrow(/^cublasLtMatmul failed: CUBLAS_STATUS_EXECUTION_FAILED \(13\)$/);
    for (const l of [la, lb, lc]) lt.call('cublasLtMatrixLayoutDestroy', l);
    lt.call('cublasLtMatmulDescDestroy', desc);
    h.freeAll();
  });
});
