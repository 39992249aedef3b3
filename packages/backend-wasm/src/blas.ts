// The machine's BLAS, reached from Node through koffi (an FFI with prebuilt binaries: no compiler,
// no download): which library, its single-precision GEMM and its thread count. Node only; loaded
// through dynamic imports so that a browser bundle never sees koffi or node:*.
import { BackendError } from '@llmkit/core';
import { importBuiltin } from './node-threads.js';

/** Environment variable read at init when `setMatMulBlas` was not called: `auto`, `off` or a library path. */
export const BLAS_ENV = 'LLMKIT_BLAS';

/** `auto` searches these, in order (sonames go through the dynamic loader's own search path). */
const CANDIDATES: Record<string, string[]> = {
  linux: ['libopenblas.so.0', 'libopenblas.so', 'libopenblasp.so.0', 'libmkl_rt.so.2', 'libmkl_rt.so', 'libblis.so.4', 'libblis.so', 'libblas.so.3'],
  darwin: [
    '/System/Library/Frameworks/Accelerate.framework/Accelerate',
    '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
    '/usr/local/opt/openblas/lib/libopenblas.dylib',
  ],
  win32: ['libopenblas.dll', 'openblas.dll', 'mkl_rt.2.dll', 'mkl_rt.dll'],
};

/** What to do on each platform to get the fast path (printed once when no BLAS is found). */
const HOW_TO: Record<string, string> = {
  linux: 'apt-get install libopenblas0-pthread (Debian/Ubuntu), dnf install openblas-threads (Fedora)',
  darwin: 'Accelerate ships with macOS; or brew install openblas',
  win32: 'put OpenBLAS’s libopenblas.dll on PATH',
};

// CBLAS enums.
const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** A loaded BLAS: row-major sgemm on Float32Array views (of the wasm heap), and its thread pool. */
export interface Blas {
  /** The file or soname it was loaded from, and which implementation (openblas, mkl, blis, accelerate, unknown). */
  readonly library: string;
  readonly vendor: string;
  /** Threads the BLAS uses, or undefined when it gives no way to ask (Accelerate, reference BLAS). */
  readonly threads: number | undefined;
  /** C = alpha·op(A)·op(B) + beta·C, row-major; op(X) = Xᵀ when the flag is set. Views are passed without a copy. */
  sgemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number,
  ): void;
  setThreads(threads: number): void;
}

export type BlasSetting = 'auto' | 'off' | { path: string };

/** Parses `off`/`auto`/a path (from the environment variable or `setMatMulBlas`). */
export function parseBlasSetting(raw: unknown, where: string): BlasSetting {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new BackendError(`${where}: expected 'auto', 'off' or the path of a BLAS library, got ${JSON.stringify(raw)}`);
  }
  const v = raw.trim();
  if (/^(auto|on|1|true)$/i.test(v)) return 'auto';
  if (/^(off|0|false|none|xnnpack)$/i.test(v)) return 'off';
  return { path: v };
}

type KoffiLib = { func(signature: string): (...args: unknown[]) => unknown };
type Koffi = { load(path: string): KoffiLib };

/** Looks a symbol up, or returns undefined when the library lacks it. */
function optionalFunc(lib: KoffiLib, signature: string): ((...args: unknown[]) => unknown) | undefined {
  try {
    return lib.func(signature);
  } catch {
    return undefined;
  }
}

/** Wraps one loaded library; throws when it has no cblas_sgemm. */
function wrapLibrary(lib: KoffiLib, library: string): Blas {
  const gemm = lib.func(
    'void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)',
  );
  const openblasSet = optionalFunc(lib, 'void openblas_set_num_threads(int n)');
  const openblasGet = optionalFunc(lib, 'int openblas_get_num_threads()');
  const mklSet = optionalFunc(lib, 'void MKL_Set_Num_Threads(int n)');
  const mklGet = optionalFunc(lib, 'int MKL_Get_Max_Threads()');
  const blisSet = optionalFunc(lib, 'void bli_thread_set_num_threads(long n)');
  const blisGet = optionalFunc(lib, 'long bli_thread_get_num_threads()');
  const vendor = openblasSet ? 'openblas' : mklSet ? 'mkl' : blisSet ? 'blis' : /Accelerate/.test(library) ? 'accelerate' : 'unknown';
  const set = openblasSet ?? mklSet ?? blisSet;
  const get = openblasGet ?? mklGet ?? blisGet;
  return {
    library,
    vendor,
    get threads() {
      return get ? Number(get()) : undefined;
    },
    sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      gemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    },
    setThreads(threads) {
      set?.(threads);
    },
  };
}

/** Found (or not) and why: `note` is what describe() shows and what the one console line says. */
export interface BlasLookup {
  blas: Blas | null;
  note: string;
}

/**
 * Finds and loads the BLAS the setting asks for. `auto`: the first candidate of this platform that
 * loads and has cblas_sgemm; a generic libblas is accepted only when it is OpenBLAS, MKL or BLIS
 * (the reference BLAS is slower than XNNPACK). A path that fails to load is a BackendError (the
 * user asked for it); `auto` finding nothing is not (the caller falls back to XNNPACK).
 */
export async function findBlas(setting: BlasSetting, source: string, candidates = CANDIDATES[process.platform] ?? []): Promise<BlasLookup> {
  if (setting === 'off') return { blas: null, note: `off (${source})` };
  let koffi: Koffi;
  try {
    const mod = await importBuiltin<{ default?: Koffi } & Koffi>('koffi');
    koffi = mod.default ?? mod;
  } catch (e) {
    if (typeof setting === 'object') {
      throw new BackendError(`${source}: cannot load ${setting.path}: the koffi package failed to load (${(e as Error).message})`);
    }
    return { blas: null, note: `koffi (the FFI that reaches the machine's BLAS) failed to load: ${(e as Error).message}` };
  }
  if (typeof setting === 'object') {
    try {
      const blas = wrapLibrary(koffi.load(setting.path), setting.path);
      return { blas, note: `${blas.vendor} from ${setting.path} (${source})` };
    } catch (e) {
      throw new BackendError(`${source}: cannot use ${setting.path} as a BLAS: ${(e as Error).message}`);
    }
  }
  const platform = process.platform;
  const tried: string[] = [];
  for (const candidate of candidates) {
    let lib: KoffiLib;
    try {
      lib = koffi.load(candidate);
    } catch {
      tried.push(candidate);
      continue;
    }
    let blas: Blas;
    try {
      blas = wrapLibrary(lib, candidate);
    } catch {
      tried.push(`${candidate} (no cblas_sgemm)`);
      continue;
    }
    if (blas.vendor === 'unknown') {
      tried.push(`${candidate} (neither OpenBLAS, MKL nor BLIS: maybe the slow reference BLAS)`);
      continue;
    }
    return { blas, note: `${blas.vendor} from ${candidate} (${source})` };
  }
  return {
    blas: null,
    note: `no BLAS found (tried ${tried.join(', ') || 'nothing on ' + platform}); for matmuls several times faster: ${HOW_TO[platform] ?? 'install OpenBLAS'}, or set ${BLAS_ENV} to a library path`,
  };
}
