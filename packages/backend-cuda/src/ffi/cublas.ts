// cuBLAS (libcublas.so.13/.12/.11) through koffi: handle, stream, math mode and the single-precision
// GEMMs. cuBLAS is column-major; `gemmRowMajor` computes row-major C = op(A)·op(B) by asking for
// Cᵀ = op(B)ᵀ·op(A)ᵀ, which is the same memory (operand swap), so no transpose is ever copied.
import type { LibraryHandle } from 'koffi';
import { CudaError } from '../errors.js';
import { CUBLAS_STATUS_NAMES, statusName } from './status.js';
import { LIBCUBLAS, openLibrary, type SearchContext } from './discovery.js';
import { declaredName, type CuStream, type DevicePointer } from './driver.js';

export const CUBLAS_DECLARATIONS = [
  'int cublasCreate_v2(_Out_ uint64_t *handle)',
  'int cublasDestroy_v2(uint64_t handle)',
  'int cublasGetVersion_v2(uint64_t handle, _Out_ int *version)',
  'int cublasSetStream_v2(uint64_t handle, uint64_t stream)',
  'int cublasSetMathMode(uint64_t handle, int mode)',
  'int cublasSgemm_v2(uint64_t handle, int transa, int transb, int m, int n, int k, const float *alpha, uint64_t A, int lda, uint64_t B, int ldb, const float *beta, uint64_t C, int ldc)',
  'int cublasSgemmStridedBatched(uint64_t handle, int transa, int transb, int m, int n, int k, const float *alpha, uint64_t A, int lda, int64_t strideA, uint64_t B, int ldb, int64_t strideB, const float *beta, uint64_t C, int ldc, int64_t strideC, int batchCount)',
] as const;

/** cublasMath_t: DEFAULT is exact fp32; TF32 lets Ampere+ use tensor cores for fp32 GEMMs (10-bit mantissa products). */
export const CUBLAS_MATH = { DEFAULT: 0, TF32_TENSOR_OP: 3 } as const;
const OP_N = 0;
const OP_T = 1;

type Fn = (...args: unknown[]) => number;

/** A row-major batched product C[b] = op(A[b])·op(B[b]) with element strides between batches (0 broadcasts). */
export interface RowMajorGemm {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly a: DevicePointer;
  readonly b: DevicePointer;
  readonly c: DevicePointer;
  /** A is stored [k, m] (row-major) and used transposed. */
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
  readonly batch?: number;
  readonly strideA?: number;
  readonly strideB?: number;
  readonly strideC?: number;
  readonly alpha?: number;
  readonly beta?: number;
}

export class Cublas {
  private readonly fns: Record<string, Fn> = {};
  private handle = 0n;

  private constructor(lib: LibraryHandle, readonly path: string) {
    for (const d of CUBLAS_DECLARATIONS) this.fns[declaredName(d)] = lib.func(d) as Fn;
  }

  /** Loads cuBLAS; `create()` needs a current CUDA context. */
  static open(ctx?: SearchContext): Cublas {
    const { lib, path } = openLibrary(LIBCUBLAS, ctx);
    return new Cublas(lib, path);
  }

  private call(name: string, ...args: unknown[]): void {
    const status = this.fns[name]!(...args);
    if (status !== 0) {
      const sname = statusName(CUBLAS_STATUS_NAMES, status);
      throw new CudaError({ library: 'cublas', call: name, status, statusName: sname }, `${name} failed: ${sname} (${status})`);
    }
  }

  create(stream: CuStream, math: number = CUBLAS_MATH.DEFAULT): void {
    const h = new BigUint64Array(1);
    this.call('cublasCreate_v2', h);
    this.handle = h[0]!;
    this.call('cublasSetStream_v2', this.handle, stream);
    this.call('cublasSetMathMode', this.handle, math);
  }

  version(): number {
    const v = [0];
    this.call('cublasGetVersion_v2', this.handle, v);
    return v[0]!;
  }

  destroy(): void {
    if (this.handle) this.call('cublasDestroy_v2', this.handle);
    this.handle = 0n;
  }

  /** Row-major C = alpha·op(A)·op(B) + beta·C, batched when `batch` > 1. */
  gemmRowMajor(g: RowMajorGemm): void {
    const args = columnMajorArguments(g);
    const alpha = new Float32Array([g.alpha ?? 1]);
    const beta = new Float32Array([g.beta ?? 0]);
    const batch = g.batch ?? 1;
    if (batch === 1) {
      this.call('cublasSgemm_v2', this.handle, args.transa, args.transb, args.m, args.n, args.k, alpha, args.A, args.lda, args.B, args.ldb, beta, g.c, args.ldc);
    } else {
      this.call(
        'cublasSgemmStridedBatched', this.handle, args.transa, args.transb, args.m, args.n, args.k, alpha,
        args.A, args.lda, args.strideA, args.B, args.ldb, args.strideB, beta, g.c, args.ldc, args.strideC, batch,
      );
    }
  }
}

/**
 * The column-major cuBLAS call that computes row-major C[m,n] = op(A)·op(B): swap the operands and
 * the dimensions. Row-major X[r,c] is column-major Xᵀ with leading dimension c.
 */
export function columnMajorArguments(g: RowMajorGemm) {
  return {
    transa: g.transposeB ? OP_T : OP_N,
    transb: g.transposeA ? OP_T : OP_N,
    m: g.n,
    n: g.m,
    k: g.k,
    A: g.b,
    lda: g.transposeB ? g.k : g.n,
    strideA: BigInt(g.strideB ?? g.k * g.n),
    B: g.a,
    ldb: g.transposeA ? g.m : g.k,
    strideB: BigInt(g.strideA ?? g.m * g.k),
    ldc: g.n,
    strideC: BigInt(g.strideC ?? g.m * g.n),
  };
}
