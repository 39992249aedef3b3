// @llmkit/backend-wasm: llmkit's fast CPU default — TensorFlow.js's WebAssembly backend (XNNPACK,
// SIMD, threads in Node) plus llmkit's fused host kernels and the kernels training needs that
// tfjs-wasm lacks. Importing it registers the backend as 'wasm'.
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { BackendError, isNode, registerBackend, tf, type Backend, type BackendDescription } from '@llmkit/core';
import { installSimdKernels, simdOf, setSimdKernelsEnabled } from './simd/module.js';
import { wasmKernelOverrides, SIMD_KERNEL_NAMES } from './simd/kernels.js';
import { adamwOverride } from './simd/adamw.js';
import { createThreadedBackend, importBuiltin, MAX_WASM_THREADS } from './node-threads.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';
import { installFastMatMul, setMatMulGemm } from './fast-matmul.js';
import { BLAS_ENV, findBlas, parseBlasSetting, type Blas, type BlasSetting } from './blas.js';
import { installLeadingAxesSum } from './leading-axes-sum.js';
import { adaptiveThreads, type AdaptiveBlas } from './blas-threads.js';
import { installHeapSlice } from './heap-slice.js';
import { installSharedIdentity } from './shared-identity.js';
import { installHeapConcat } from './heap-concat.js';
import { installHeapGuard } from './heap-guard.js';

/** Kernels tfjs-wasm lacks that training needs (registered once, for the 'wasm' tfjs backend). */
const missingKernels = [unsortedSegmentSumConfig];
const kernels = [...wasmKernelOverrides(), adamwOverride];

/** Environment variable: `off` runs core's JavaScript host kernels instead of the SIMD ones (for comparisons). */
export const SIMD_KERNELS_ENV = 'LLMKIT_WASM_SIMD_KERNELS';
let simdNote = 'not initialised';

/** Environment variable read at init when `setWasmThreads` was not called: `auto` or an integer >= 1. */
export const WASM_THREADS_ENV = 'LLMKIT_WASM_THREADS';
/** `auto` uses this many threads at most (fewer on machines with fewer logical CPUs). */
export const DEFAULT_MAX_WASM_THREADS = 4;

let simd = false;
let threadsSetting: number | 'auto' | undefined;
/** Threads asked for (after `auto` and the cap are applied) and why the backend got what it got. */
let threadsRequested = 1;
let threadsNote = 'not initialised';
let threadedBuild = false;
let initialising: Promise<void> | undefined;
let blasSetting: BlasSetting | undefined;
let blas: Blas | null = null;
let adaptive: AdaptiveBlas | undefined;

/** Environment variable: `off` keeps every product on all the BLAS threads instead of choosing 1 or all by timing. */
export const BLAS_ADAPTIVE_ENV = 'LLMKIT_BLAS_ADAPTIVE';
let blasNote = 'not initialised';
/** The "no BLAS found" line is printed once per process. */
let saidNoBlas = false;

export { BLAS_ENV };

/**
 * Chooses what computes matrix products in Node (call it before the first `useBackend('wasm')`):
 * `'auto'` (the default) uses the machine's BLAS (OpenBLAS, MKL, BLIS, Accelerate) when one is
 * found and XNNPACK otherwise; `'off'` always XNNPACK; a path loads that library (a BackendError
 * if it cannot). The `LLMKIT_BLAS` environment variable does the same when this is not called.
 * Browsers always use XNNPACK.
 */
export function setMatMulBlas(setting: 'auto' | 'off' | (string & {})): void {
  if (initialising) {
    throw new BackendError(`setMatMulBlas(${JSON.stringify(setting)}): the wasm backend is already initialised; call it before the first useBackend('wasm')`);
  }
  blasSetting = parseBlasSetting(setting, 'setMatMulBlas');
}

/** Node: finds the BLAS asked for and routes matmuls through it; says once how to get one if none. */
async function initBlas(): Promise<void> {
  if (!isNode()) {
    blasNote = 'browser: XNNPACK';
    return;
  }
  const raw = process.env?.[BLAS_ENV];
  const { setting, source } =
    blasSetting !== undefined
      ? { setting: blasSetting, source: 'setMatMulBlas' }
      : raw !== undefined && raw.trim() !== ''
        ? { setting: parseBlasSetting(raw, BLAS_ENV), source: `${BLAS_ENV}=${raw.trim()}` }
        : { setting: 'auto' as const, source: 'auto' };
  const found = await findBlas(setting, source);
  blas = found.blas;
  blasNote = found.note;
  setMatMulGemm(blas);
  if (!blas && setting === 'auto' && !saidNoBlas) {
    saidNoBlas = true;
    console.warn(`@llmkit/backend-wasm: matmuls run on XNNPACK: ${found.note}`);
  }
}

/**
 * Sets the number of threads of the wasm backend's XNNPACK pool (Node; call it before the first
 * `useBackend('wasm')`). `'auto'` (the default) uses the logical CPUs, at most
 * `DEFAULT_MAX_WASM_THREADS`; `1` turns threads off (and skips starting the worker threads).
 * The `LLMKIT_WASM_THREADS` environment variable does the same when this is not called.
 * In browsers tfjs decides (threads only on cross-origin-isolated pages); a number is passed on.
 */
export function setWasmThreads(threads: number | 'auto'): void {
  if (initialising) {
    throw new BackendError(`setWasmThreads(${String(threads)}): the wasm backend is already initialised; call it before the first useBackend('wasm')`);
  }
  threadsSetting = checkThreads(threads, 'setWasmThreads');
}

function checkThreads(value: unknown, where: string): number | 'auto' {
  if (value === 'auto' || (typeof value === 'number' && Number.isInteger(value) && value >= 1)) return value;
  throw new BackendError(`${where}: expected 'auto' or an integer >= 1, got ${JSON.stringify(value)}`);
}

/** The threads setting and where it came from. */
function threadsRequest(): { setting: number | 'auto'; source: string } {
  if (threadsSetting !== undefined) return { setting: threadsSetting, source: 'setWasmThreads' };
  const raw = typeof process !== 'undefined' ? process.env?.[WASM_THREADS_ENV]?.trim() : undefined;
  if (raw) {
    const value = raw.toLowerCase() === 'auto' ? 'auto' : /^\d+$/.test(raw) ? Number(raw) : raw;
    return { setting: checkThreads(value, WASM_THREADS_ENV), source: `${WASM_THREADS_ENV}=${raw}` };
  }
  return { setting: 'auto', source: 'auto' };
}

/**
 * Node: starts tfjs-wasm's threaded build (see node-threads.ts) and makes it tfjs's 'wasm'
 * backend; on any failure keeps tfjs's single-threaded SIMD build and records why.
 */
async function initThreads(): Promise<void> {
  const { setting, source } = threadsRequest();
  if (!isNode()) {
    if (typeof setting === 'number') tfWasm.setThreadsCount(setting);
    threadsRequested = typeof setting === 'number' ? setting : 0;
    threadsNote = `browser: tfjs picks its threaded build on cross-origin-isolated pages (${source})`;
    return;
  }
  const { availableParallelism, cpus } = await importBuiltin<typeof import('node:os')>('node:os');
  const cpuCount = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  const want = setting === 'auto' ? Math.min(cpuCount, DEFAULT_MAX_WASM_THREADS) : Math.min(setting, MAX_WASM_THREADS);
  threadsRequested = want;
  const capped = typeof setting === 'number' && setting > MAX_WASM_THREADS ? `, capped at tfjs-wasm's ${MAX_WASM_THREADS}` : '';
  tfWasm.setThreadsCount(1);
  if (blas) {
    // One pool, not two: the threads go to the BLAS, which does nearly all the arithmetic, and
    // XNNPACK (elementwise work) runs on the calling thread. Two pools that spin while waiting
    // for work fought over the cores and made a step several times slower on a busy machine.
    blas.setThreads(want);
    threadsNote = `${want} BLAS thread${want === 1 ? '' : 's'}, XNNPACK on the calling thread (${source}${capped})`;
    const adaptiveOff = /^(off|0|false)$/i.test(process.env?.[BLAS_ADAPTIVE_ENV]?.trim() ?? '');
    if (want > 1 && blas.threads !== undefined && !adaptiveOff) {
      // Each product shape runs on 1 or `want` threads, whichever it measures faster (blas-threads.ts).
      adaptive = adaptiveThreads(blas, want);
      blas = adaptive;
      setMatMulGemm(blas);
      threadsNote += `; each product shape on 1 or ${want} threads, whichever its timing says is faster (${BLAS_ADAPTIVE_ENV}=off: always ${want})`;
    }
    return;
  }
  if (want <= 1) {
    threadsNote = setting === 'auto' ? `1 logical CPU (${source})` : `1 thread requested (${source})`;
    return;
  }
  const single = (why: string) => `1 thread: ${why} (${want} requested, ${source})`;
  if (!simd) {
    threadsNote = single("no WebAssembly SIMD, which tfjs-wasm's threaded build needs");
    return;
  }
  const priority = tf.engine().registryFactory['wasm']?.priority;
  if (priority === undefined) {
    threadsNote = single("tfjs's wasm backend is not registered");
    return;
  }
  const alreadyUp = () => tf.engine().registry['wasm'] !== undefined;
  if (alreadyUp()) {
    threadsNote = single("tfjs's wasm backend was initialised before llmkit's init");
    return;
  }
  let backend: tfWasm.BackendWasm;
  try {
    backend = await createThreadedBackend(want);
  } catch (e) {
    tfWasm.setThreadsCount(1);
    threadsNote = single(`tfjs-wasm's threaded build failed to start: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  if (alreadyUp()) {
    backend.dispose();
    threadsNote = single("tfjs's wasm backend was initialised while llmkit's threaded build started");
    return;
  }
  // Replace tfjs's factory for 'wasm' (same name, same priority, same kernels): the first call
  // hands over the backend started above; a later one (after tf.engine().reset()) starts another.
  let first: tfWasm.BackendWasm | undefined = backend;
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      if (first) {
        const b = first;
        first = undefined;
        return b;
      }
      return createThreadedBackend(want);
    },
    priority,
  );
  threadedBuild = true;
  threadsNote = `${want} threads (${source}${capped})`;
}

/**
 * The default backend: WebAssembly with SIMD, in Node and in browsers; in Node with an XNNPACK
 * thread pool (see `setWasmThreads`, `LLMKIT_WASM_THREADS`).
 *
 * ```ts
 * import '@llmkit/backend-wasm';
 * import { useBackend } from '@llmkit/core';
 * await useBackend('wasm');
 * ```
 */
export const wasmBackend: Backend = {
  name: 'wasm',
  tfjsBackend: 'wasm',
  priority: 10,
  kernels,
  init() {
    initialising ??= (async () => {
      for (const k of missingKernels) {
        if (tf.getKernel(k.kernelName, k.backendName) == null) tf.registerKernel(k);
      }
      installFastMatMul('wasm');
      installLeadingAxesSum('wasm');
      installHeapSlice('wasm');
      installSharedIdentity('wasm');
      installHeapConcat('wasm');
      simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
      await initBlas();
      await initThreads();
      const simdOff = isNode() && /^(off|0|false)$/i.test(process.env?.[SIMD_KERNELS_ENV]?.trim() ?? '');
      setSimdKernelsEnabled(!simdOff);
      simdNote = simdOff ? `JavaScript host kernels (${SIMD_KERNELS_ENV}=off)` : await installSimdKernels('wasm');
      installHeapGuard('wasm');
    })().catch((e: unknown) => {
      initialising = undefined;
      throw e;
    });
    return initialising;
  },
  describe(): BackendDescription {
    const threads = blas?.threads ?? tfWasm.getThreadsCount();
    return {
      name: 'wasm',
      tfjsBackend: 'wasm',
      device: `CPU (WebAssembly${simd ? ' SIMD' : ''}${blas ? ` + ${blas.vendor}` : ''}, ${threads} thread${threads === 1 ? '' : 's'})`,
      fusedKernels: kernels.map((k) => k.kernelName),
      details: {
        simd,
        threads,
        wasmThreads: tfWasm.getThreadsCount(),
        threadsRequested,
        threadedBuild,
        threadsNote,
        addedKernels: missingKernels.map((k) => k.kernelName).join(','),
        matmul: blas
          ? `BLAS (${blasNote}; ${blas.threads ?? 'its own'} threads): transposes as GEMM flags, batches as strided GEMMs`
          : 'XNNPACK: transposed operands materialised, batches split into 2-D products',
        blas: blasNote,
        blasThreadsByShape: adaptive ? JSON.stringify(adaptive.decisions()) : 'fixed',
        sum: 'leading-axes sums in one pass (no transpose)',
        fusedKernelImpl: simdNote,
        simdKernelsAttached: simdOf(tf.engine().registry['wasm']) !== undefined ? [...SIMD_KERNEL_NAMES, adamwOverride.kernelName].join(',') : 'none',
      },
    };
  },
};

registerBackend(wasmBackend);
