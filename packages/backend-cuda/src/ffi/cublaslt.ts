// cuBLASLt (libcublasLt.so.13/.12/.11) through koffi: single-precision GEMMs with a fused epilogue
// (bias, ReLU, GELU). Row-major by the same operand swap as cublas.ts: in the column-major call
// D = Cᵀ has one row per output column n, and Lt's bias vector (one value per row of D, broadcast
// over its columns) is a bias per output column of the row-major result, i.e. a tfjs bias of shape [n].
// Descriptors, layouts and the chosen algorithm are cached per shape, so a training step does not
// create and destroy them on every call.
import type { LibraryHandle } from 'koffi';
import { CudaError } from '../errors.js';
import { CUBLAS_STATUS_NAMES, statusName } from './status.js';
import { LIBCUBLASLT, openLibrary, type SearchContext } from './discovery.js';
import { declaredName, type CudaDriver, type CuStream, type DevicePointer } from './driver.js';
import { columnMajorArguments, type RowMajorGemm } from './cublas.js';

export const CUBLASLT_DECLARATIONS = [
  'int cublasLtCreate(_Out_ uint64_t *handle)',
  'int cublasLtDestroy(uint64_t handle)',
  'int cublasLtMatmulDescCreate(_Out_ uint64_t *desc, int computeType, int scaleType)',
  'int cublasLtMatmulDescDestroy(uint64_t desc)',
  'int cublasLtMatmulDescSetAttribute(uint64_t desc, int attr, const void *buf, size_t sizeInBytes)',
  'int cublasLtMatrixLayoutCreate(_Out_ uint64_t *layout, int type, uint64_t rows, uint64_t cols, int64_t ld)',
  'int cublasLtMatrixLayoutDestroy(uint64_t layout)',
  'int cublasLtMatrixLayoutSetAttribute(uint64_t layout, int attr, const void *buf, size_t sizeInBytes)',
  'int cublasLtMatmulPreferenceCreate(_Out_ uint64_t *pref)',
  'int cublasLtMatmulPreferenceDestroy(uint64_t pref)',
  'int cublasLtMatmulPreferenceSetAttribute(uint64_t pref, int attr, const void *buf, size_t sizeInBytes)',
  'int cublasLtMatmulAlgoGetHeuristic(uint64_t handle, uint64_t desc, uint64_t Adesc, uint64_t Bdesc, uint64_t Cdesc, uint64_t Ddesc, uint64_t pref, int requestedAlgoCount, _Inout_ uint8_t *results, _Out_ int *returnAlgoCount)',
  'int cublasLtMatmul(uint64_t handle, uint64_t desc, const float *alpha, uint64_t A, uint64_t Adesc, uint64_t B, uint64_t Bdesc, const float *beta, uint64_t C, uint64_t Cdesc, uint64_t D, uint64_t Ddesc, const uint8_t *algo, uint64_t workspace, size_t workspaceSizeInBytes, uint64_t stream)',
] as const;

/** cublasComputeType_t and cudaDataType_t values (cublas_api.h, library_types.h). */
export const CUBLAS_COMPUTE_32F = 68;
export const CUDA_R_32F = 0;

/** cublasLtMatmulDescAttributes_t (cublasLt.h, CUDA 11 and 12). */
export const LT_DESC = { COMPUTE_TYPE: 0, SCALE_TYPE: 1, POINTER_MODE: 2, TRANSA: 3, TRANSB: 4, TRANSC: 5, EPILOGUE: 7, BIAS_POINTER: 8, BIAS_BATCH_STRIDE: 10 } as const;
/** cublasLtMatrixLayoutAttribute_t. */
export const LT_LAYOUT = { TYPE: 0, ORDER: 1, ROWS: 2, COLS: 3, LD: 4, BATCH_COUNT: 5, STRIDED_BATCH_OFFSET: 6 } as const;
/** cublasLtMatmulPreferenceAttributes_t. */
export const LT_PREF = { SEARCH_MODE: 0, MAX_WORKSPACE_BYTES: 1 } as const;
/** cublasLtEpilogue_t: the ones llmkit uses (RELU_BIAS = RELU | BIAS, GELU_BIAS = GELU | BIAS; Lt's GELU is the tanh form). */
export const LT_EPILOGUE = { DEFAULT: 1, RELU: 2, BIAS: 4, RELU_BIAS: 6, GELU: 32, GELU_BIAS: 36 } as const;

/** sizeof(cublasLtMatmulHeuristicResult_t): algo (uint64_t[8]), size_t workspaceSize, int state, float wavesCount, int reserved[4]. */
export const HEURISTIC_RESULT_BYTES = 96;
const WORKSPACE_SIZE_OFFSET = 64;
const STATE_OFFSET = 72;

/** The pointwise function Lt applies after the bias. */
export type LtActivation = 'none' | 'relu' | 'gelu';

/** A row-major GEMM with an optional bias of one value per output column (length n) and an activation. */
export interface RowMajorGemmBias extends RowMajorGemm {
  /** `n` floats, added to every row of every batch's C; null or absent: no bias. */
  readonly bias?: DevicePointer | null;
  readonly activation?: LtActivation;
}

/** Device scratch for Lt's algorithms, owned by whoever opens Lt (the backend allocates it outside tf.memory()). */
export interface LtWorkspace {
  readonly ptr: DevicePointer | null;
  readonly bytes: number;
  release(): void;
}

/** The epilogue for a bias (present or not) and an activation. */
export function epilogueFor(hasBias: boolean, activation: LtActivation): number {
  const base = activation === 'relu' ? LT_EPILOGUE.RELU : activation === 'gelu' ? LT_EPILOGUE.GELU : LT_EPILOGUE.DEFAULT;
  if (!hasBias) return base;
  return base === LT_EPILOGUE.DEFAULT ? LT_EPILOGUE.BIAS : base | LT_EPILOGUE.BIAS;
}

type Fn = (...args: unknown[]) => number;

/** What one GEMM shape needs: its descriptor, the A/B/C layouts (C doubles as D) and the algorithm Lt chose. */
interface Plan {
  readonly desc: bigint;
  readonly layouts: readonly [bigint, bigint, bigint];
  readonly algo: Uint8Array;
}

const i32 = (v: number): Uint8Array => new Uint8Array(Int32Array.of(v).buffer);
const u64 = (v: bigint): Uint8Array => new Uint8Array(BigUint64Array.of(v).buffer);
const i64 = (v: bigint): Uint8Array => new Uint8Array(BigInt64Array.of(v).buffer);

/** Workspace the backend gives Lt's algorithms (NVIDIA suggests 4 MiB up to Ampere; the heuristic only picks algorithms that fit). */
export const LT_WORKSPACE_BYTES = 4 << 20;

/** Plans kept per Lt handle; the oldest is destroyed past this (a model has a handful of GEMM shapes). */
export const PLAN_CACHE_LIMIT = 64;

export class CublasLt {
  private readonly fns: Record<string, Fn> = {};
  private handle = 0n;
  private preference = 0n;
  private stream = 0n as CuStream;
  private workspace: LtWorkspace = { ptr: null, bytes: 0, release() {} };
  private readonly plans = new Map<string, Plan>();

  private constructor(lib: LibraryHandle, readonly path: string) {
    for (const d of CUBLASLT_DECLARATIONS) this.fns[declaredName(d)] = lib.func(d) as Fn;
  }

  /** Loads cuBLASLt (see discovery.ts); a miss is the loader's CudaError listing what was searched. */
  static open(ctx?: SearchContext): CublasLt {
    const { lib, path } = openLibrary(LIBCUBLASLT, ctx);
    return new CublasLt(lib, path);
  }

  /** Calls `name`; a non-zero status is a CudaError naming the call and the status. */
  call(name: string, ...args: unknown[]): void {
    const status = this.fns[name]!(...args);
    if (status !== 0) {
      const sname = statusName(CUBLAS_STATUS_NAMES, status);
      throw new CudaError({ library: 'cublasLt', call: name, status, statusName: sname }, `${name} failed: ${sname} (${status})`);
    }
  }

  private created(name: string, ...args: unknown[]): bigint {
    const out = new BigUint64Array(1);
    this.call(name, out, ...args);
    return out[0]!;
  }

  /**
   * Opens cuBLASLt and creates it on `stream` with a workspace of `bytes` taken from the driver
   * directly (Lt's scratch is not a tensor, and tf.memory() counts tensors); destroy() frees it.
   */
  static openWithWorkspace(driver: Pick<CudaDriver, 'alloc' | 'free'>, stream: CuStream, bytes: number, ctx?: SearchContext): CublasLt {
    const lt = CublasLt.open(ctx);
    const ws = driver.alloc(bytes);
    try {
      lt.create(stream, { ptr: ws, bytes, release: () => driver.free(ws) });
    } catch (e) {
      driver.free(ws);
      throw e;
    }
    return lt;
  }

  /** Creates the handle and the search preference (workspace limit); needs a current CUDA context. */
  create(stream: CuStream, workspace?: LtWorkspace): void {
    this.handle = this.created('cublasLtCreate');
    this.stream = stream;
    if (workspace) this.workspace = workspace;
    this.preference = this.created('cublasLtMatmulPreferenceCreate');
    this.call('cublasLtMatmulPreferenceSetAttribute', this.preference, LT_PREF.MAX_WORKSPACE_BYTES, u64(BigInt(this.workspace.bytes)), 8);
  }

  /** Number of cached shape plans (tests). */
  get cachedPlans(): number {
    return this.plans.size;
  }

  // ---- the raw calls, for the plan builder and for tests of the argument checks ----

  matmulDesc(transa: number, transb: number, epilogue: number): bigint {
    const desc = this.created('cublasLtMatmulDescCreate', CUBLAS_COMPUTE_32F, CUDA_R_32F);
    try {
      this.setDesc(desc, LT_DESC.TRANSA, i32(transa));
      this.setDesc(desc, LT_DESC.TRANSB, i32(transb));
      this.setDesc(desc, LT_DESC.EPILOGUE, i32(epilogue));
    } catch (e) {
      this.fns.cublasLtMatmulDescDestroy!(desc);
      throw e;
    }
    return desc;
  }

  setDesc(desc: bigint, attr: number, value: Uint8Array): void {
    this.call('cublasLtMatmulDescSetAttribute', desc, attr, value, value.byteLength);
  }

  setBias(desc: bigint, bias: DevicePointer | null): void {
    this.setDesc(desc, LT_DESC.BIAS_POINTER, u64(bias ?? 0n));
  }

  /** A column-major float32 layout, batched with `stride` elements between matrices when batch > 1. */
  layout(rows: number, cols: number, ld: number, batch = 1, stride = 0n): bigint {
    const l = this.created('cublasLtMatrixLayoutCreate', CUDA_R_32F, BigInt(rows), BigInt(cols), BigInt(ld));
    if (batch !== 1) {
      try {
        this.call('cublasLtMatrixLayoutSetAttribute', l, LT_LAYOUT.BATCH_COUNT, i32(batch), 4);
        this.call('cublasLtMatrixLayoutSetAttribute', l, LT_LAYOUT.STRIDED_BATCH_OFFSET, i64(stride), 8);
      } catch (e) {
        this.fns.cublasLtMatrixLayoutDestroy!(l);
        throw e;
      }
    }
    return l;
  }

  /** The best algorithm for the descriptor and layouts within the workspace limit (its 96-byte heuristic result). */
  heuristic(desc: bigint, a: bigint, b: bigint, c: bigint): Uint8Array {
    const results = new Uint8Array(HEURISTIC_RESULT_BYTES);
    const count = [0];
    this.call('cublasLtMatmulAlgoGetHeuristic', this.handle, desc, a, b, c, c, this.preference, 1, results, count);
    const view = new DataView(results.buffer);
    const state = view.getInt32(STATE_OFFSET, true);
    if (count[0]! < 1 || state !== 0) {
      const s = count[0]! < 1 ? 15 : state;
      const sname = statusName(CUBLAS_STATUS_NAMES, s);
      throw new CudaError(
        { library: 'cublasLt', call: 'cublasLtMatmulAlgoGetHeuristic', status: s, statusName: sname },
        `cublasLtMatmulAlgoGetHeuristic failed: ${count[0]! < 1 ? 'no algorithm' : 'result state'} ${sname} (${s})`,
      );
    }
    const need = Number(view.getBigUint64(WORKSPACE_SIZE_OFFSET, true));
    if (need > this.workspace.bytes) {
      throw new CudaError(
        { library: 'cublasLt', call: 'cublasLtMatmulAlgoGetHeuristic', status: 7, statusName: 'CUBLAS_STATUS_INVALID_VALUE' },
        `cublasLtMatmulAlgoGetHeuristic returned an algorithm needing ${need} bytes of workspace; the limit set was ${this.workspace.bytes}`,
      );
    }
    return results;
  }

  /** D = alpha·op(A)·op(B) + beta·C then the descriptor's epilogue; C and D share `c`'s layout and memory. */
  matmul(desc: bigint, algo: Uint8Array, a: DevicePointer, la: bigint, b: DevicePointer, lb: bigint, c: DevicePointer, lc: bigint, alpha = 1, beta = 0): void {
    this.call(
      'cublasLtMatmul', this.handle, desc, Float32Array.of(alpha), a, la, b, lb, Float32Array.of(beta), c, lc, c, lc,
      algo, this.workspace.ptr ?? 0n, this.workspace.bytes, this.stream,
    );
  }

  // ---- row-major products ----

  private plan(g: RowMajorGemmBias, epilogue: number): Plan {
    const batch = g.batch ?? 1;
    const x = columnMajorArguments(g);
    const key = [x.transa, x.transb, x.m, x.n, x.k, x.lda, x.ldb, x.ldc, batch, x.strideA, x.strideB, x.strideC, epilogue].join(',');
    const hit = this.plans.get(key);
    if (hit) {
      // Most recently used last, so eviction takes the coldest shape.
      this.plans.delete(key);
      this.plans.set(key, hit);
      return hit;
    }
    const made: bigint[] = [];
    let desc = 0n;
    try {
      desc = this.matmulDesc(x.transa, x.transb, epilogue);
      // Stored shapes of the column-major operands: op(A') is m'×k, op(B') is k×n'.
      made.push(x.transa ? this.layout(x.k, x.m, x.lda, batch, x.strideA) : this.layout(x.m, x.k, x.lda, batch, x.strideA));
      made.push(x.transb ? this.layout(x.n, x.k, x.ldb, batch, x.strideB) : this.layout(x.k, x.n, x.ldb, batch, x.strideB));
      made.push(this.layout(x.m, x.n, x.ldc, batch, x.strideC));
      // The heuristic reads the bias pointer's alignment; the allocator's blocks all share it.
      if (epilogue & LT_EPILOGUE.BIAS) this.setBias(desc, g.bias ?? null);
      const algo = this.heuristic(desc, made[0]!, made[1]!, made[2]!);
      const plan: Plan = { desc, layouts: [made[0]!, made[1]!, made[2]!], algo };
      this.plans.set(key, plan);
      if (this.plans.size > PLAN_CACHE_LIMIT) {
        const [oldKey, old] = this.plans.entries().next().value as [string, Plan];
        this.plans.delete(oldKey);
        this.destroyPlan(old);
      }
      return plan;
    } catch (e) {
      for (const l of made) this.fns.cublasLtMatrixLayoutDestroy!(l);
      if (desc) this.fns.cublasLtMatmulDescDestroy!(desc);
      throw e;
    }
  }

  /**
   * Row-major C = act(op(A)·op(B) + bias) by operand swap, in one cublasLtMatmul (strided batches
   * when batch > 1; a stride of 0 repeats that operand). The caller handles k = 0 and empty outputs.
   */
  gemmBiasRowMajor(g: RowMajorGemmBias): void {
    const epilogue = epilogueFor(g.bias != null, g.activation ?? 'none');
    const plan = this.plan(g, epilogue);
    if (epilogue & LT_EPILOGUE.BIAS) this.setBias(plan.desc, g.bias!);
    const x = columnMajorArguments(g);
    const [la, lb, lc] = plan.layouts;
    this.matmul(plan.desc, plan.algo, x.A, la, x.B, lb, g.c, lc, g.alpha ?? 1, 0);
  }

  private destroyPlan(p: Plan): void {
    for (const l of p.layouts) this.call('cublasLtMatrixLayoutDestroy', l);
    this.call('cublasLtMatmulDescDestroy', p.desc);
  }

  /** Destroys every cached plan, the preference and the handle, and releases the workspace. */
  destroy(): void {
    for (const p of this.plans.values()) this.destroyPlan(p);
    this.plans.clear();
    if (this.preference) this.call('cublasLtMatmulPreferenceDestroy', this.preference);
    if (this.handle) this.call('cublasLtDestroy', this.handle);
    this.preference = 0n;
    this.handle = 0n;
    this.workspace.release();
    this.workspace = { ptr: null, bytes: 0, release() {} };
  }
}
