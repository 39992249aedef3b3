// The 4 GiB edge of the wasm heap as llmkit errors. At that edge tfjs-wasm fails silently: a
// tensor whose `_malloc` returned 0 is registered at address 0 (its values overwrite the module's
// static data); the allocator hands out a block that runs past the end of memory (either build);
// XNNPACK prints "XNN status … Got status 6" and the kernel returns uninitialised memory; a failed
// `new` in tfjs's C++ aborts the module. Each becomes a ResourceError that names the allocation
// (bytes, kernel, shapes) and what to make smaller.
import { BackendError, ResourceError, tf } from '@llmkit/core';
import type { KernelConfig, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { wrapKernel } from './wrap-kernel.js';
import { XNN_STATUS, XNN_STATUS_OUT_OF_MEMORY, withWasmPrintCapture, xnnFailureCount, xnnFailuresSince } from './wasm-print.js';

/** WebAssembly's (wasm32) addressable memory, which tfjs-wasm's builds may grow to. */
export const WASM_HEAP_LIMIT = 2 ** 32;

const ADVICE = 'reduce the batch size or block size (sequence length), use a smaller model, or use a backend without this limit (webgpu)';
const GUARDED = Symbol.for('llmkit.wasm.heapGuard');

/** Set on a module whose allocator is no longer trustworthy; every later allocation and kernel fails. */
const BROKEN = Symbol.for('llmkit.wasm.heapBroken');

interface WasmModuleLike {
  [BROKEN]?: string;
  _malloc(bytes: number): number;
  _free(at: number): void;
  HEAPU8: Uint8Array;
  [GUARDED]?: true;
}
interface BackendWasmLike {
  wasm: WasmModuleLike | null;
  move(dataId: object, values: unknown, shape: number[], dtype: string, refCount: number): void;
  disposeData(dataId: object, force?: boolean): boolean;
  [GUARDED]?: true;
}

/** The kernel running now (innermost), so that an allocation error can name it. */
let running: { name: string; inputs: NamedTensorInfoMap } | null = null;

function mib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function heapNote(wasm: WasmModuleLike | null): string {
  const size = wasm?.HEAPU8?.length ?? 0;
  return `the wasm heap is at ${mib(size)} of WebAssembly's 4 GiB`;
}

function describeInputs(inputs: NamedTensorInfoMap): string {
  return Object.entries(inputs)
    .flatMap(([k, t]) => (t ? [`${k} ${t.dtype} [${t.shape.join(', ')}]`] : []))
    .join(', ');
}

function kernelWithInputs(name: string, inputs: NamedTensorInfoMap): string {
  const described = describeInputs(inputs);
  return described ? `${name} (${described})` : name;
}

function inKernel(): string {
  return running ? ` in ${kernelWithInputs(running.name, running.inputs)}` : '';
}

function brokenError(wasm: WasmModuleLike): ResourceError {
  return new ResourceError(`wasm heap exhausted: ${wasm[BROKEN]}; the backend cannot run again in this process: ${ADVICE}`);
}

/**
 * Emscripten's abort (`RuntimeError: Aborted(...)`: a failed `new` in tfjs's C++) or a wasm trap
 * (a block handed out past the end of memory), while the heap is at its limit: out of memory.
 * Elsewhere these are other bugs and pass through unchanged.
 */
function isOutOfMemoryTrap(e: unknown, wasm: WasmModuleLike | null): e is Error {
  const trap = e instanceof WebAssembly.RuntimeError || (e instanceof Error && /^Aborted\(/.test(e.message));
  return trap && (wasm?.HEAPU8?.length ?? 0) >= WASM_HEAP_LIMIT - NEAR_LIMIT;
}
/** How close to 4 GiB the heap must be for a trap to count as running out of memory. */
const NEAR_LIMIT = 256 * 2 ** 20;

function abortError(what: string, wasm: WasmModuleLike | null, cause: Error): ResourceError {
  if (wasm) wasm[BROKEN] = `it failed earlier${what ? ` ${what}` : ''}${inKernel()} (${cause.message.split('.')[0]})`;
  return new ResourceError(
    `wasm heap exhausted: the module failed${what ? ` ${what}` : ''}${inKernel()} (${cause.message.split('.')[0]}); ${heapNote(wasm)}, and the backend cannot run again in this process: ${ADVICE}`,
    { cause },
  );
}

/**
 * Makes one BackendWasm instance fail loudly at the heap's edge: `_malloc` returning 0, or a block
 * past the end of memory, throws before tfjs writes the values; an abort while registering a
 * tensor becomes a ResourceError.
 */
export function guardBackend(backend: BackendWasmLike): void {
  const wasm = backend.wasm;
  if (!wasm || backend[GUARDED]) return;
  backend[GUARDED] = true;
  let allocating: { shape: number[]; dtype: string } | null = null;
  if (!wasm[GUARDED]) {
    wasm[GUARDED] = true;
    // Emscripten's `_malloc` export is a stub that replaces itself with the wasm function on its
    // first call; make that call now, or it would replace this wrapper.
    wasm._free(wasm._malloc(1));
    const malloc = wasm._malloc.bind(wasm);
    wasm._malloc = (bytes: number) => {
      if (wasm[BROKEN]) throw brokenError(wasm);
      const at = malloc(bytes);
      const what = () => (allocating ? `a ${allocating.dtype} [${allocating.shape.join(', ')}] tensor` : 'a buffer');
      if (at === 0 && bytes > 0) {
        throw new ResourceError(`wasm heap exhausted: cannot allocate ${mib(bytes)} (${bytes} bytes) for ${what()}${inKernel()}; ${heapNote(wasm)}: ${ADVICE}`);
      }
      // With its break near 4 GiB, tfjs-wasm's allocator (either build) can hand out a block that
      // runs past the end of memory (the break wraps around 2^32): it is then corrupt for good.
      if ((at >>> 0) + bytes > wasm.HEAPU8.length) {
        wasm[BROKEN] = `its allocator placed ${mib(bytes)} for ${what()}${inKernel()} past the end of the 4 GiB heap`;
        throw brokenError(wasm);
      }
      return at;
    };
  }
  const move = backend.move;
  backend.move = function (this: BackendWasmLike, dataId, values, shape, dtype, refCount) {
    allocating = { shape, dtype };
    try {
      move.call(this, dataId, values, shape, dtype, refCount);
    } catch (e) {
      if (isOutOfMemoryTrap(e, wasm)) throw abortError(`registering a ${dtype} [${shape.join(', ')}] tensor`, wasm, e);
      throw e;
    } finally {
      allocating = null;
    }
  };
}

function xnnError(kernel: string, inputs: NamedTensorInfoMap, wasm: WasmModuleLike | null, failures: { call: string; status: number }[]): Error {
  const calls = failures.map((f) => `${f.call}: status ${f.status} ${XNN_STATUS[f.status] ?? 'unknown'}`).join('; ');
  const where = kernelWithInputs(kernel, inputs);
  if (failures.some((f) => f.status === XNN_STATUS_OUT_OF_MEMORY)) {
    return new ResourceError(`wasm heap exhausted: XNNPACK could not allocate in ${where} [${calls}]; ${heapNote(wasm)}: ${ADVICE}`);
  }
  return new BackendError(`XNNPACK failed in ${where} [${calls}]; the kernel's output would be uninitialised memory`);
}

function disposeOutputs(backend: BackendWasmLike, out: TensorInfo | TensorInfo[]): void {
  for (const t of Array.isArray(out) ? out : [out]) if (t?.dataId) backend.disposeData(t.dataId);
}

/**
 * Wraps every kernel registered for `backendName` (once): an XNNPACK failure printed while it
 * ran, or an abort, becomes an error naming the kernel and its input shapes. Call it after the
 * package's own kernel replacements, so that the wrapper is outermost.
 */
export function guardKernels(backendName: string): void {
  for (const { kernelName } of tf.getKernelsForBackend(backendName)) {
    wrapKernel(kernelName, backendName, guardKernel, GUARDED);
  }
}

function guardKernel(config: KernelConfig): KernelConfig {
  const original = config.kernelFunc;
  return {
    // Object.assign keeps the original's markers (wrapKernel's), so it is not wrapped twice.
    ...Object.assign({}, config),
    kernelFunc: (args) => {
      const wasm = (args.backend as BackendWasmLike).wasm;
      if (wasm?.[BROKEN]) throw brokenError(wasm);
      const outer = running;
      const since = xnnFailureCount();
      running = { name: config.kernelName, inputs: args.inputs };
      try {
        let out: TensorInfo | TensorInfo[];
        try {
          out = original(args);
        } catch (e) {
          if (isOutOfMemoryTrap(e, wasm)) throw abortError('', wasm, e);
          throw e;
        }
        const failures = xnnFailuresSince(since);
        if (failures.length > 0) {
          disposeOutputs(args.backend as BackendWasmLike, out);
          throw xnnError(config.kernelName, args.inputs, wasm, failures);
        }
        return out;
      } finally {
        running = outer;
      }
    },
  };
}

interface EngineRegistry {
  registry: Record<string, unknown>;
  registryFactory: Record<string, { factory: () => unknown; priority: number } | undefined>;
}

/**
 * Guards every BackendWasm the engine makes for `backendName`: the registered factory runs inside
 * the print capture (so XNNPACK's statuses are seen) and its instance gets `guardBackend`. An
 * instance that is already up is guarded as is (its prints were not captured).
 */
export function guardBackendFactory(backendName: string): void {
  const engine = tf.engine() as unknown as EngineRegistry;
  const up = engine.registry[backendName] as BackendWasmLike | undefined;
  if (up) guardBackend(up);
  const entry = engine.registryFactory[backendName];
  if (!entry || (entry.factory as unknown as Record<symbol, boolean>)[GUARDED]) return;
  const factory = entry.factory;
  // Replaced in place (not removeBackend + registerBackend, which would dispose a live instance).
  entry.factory = Object.assign(
    async () => {
      const backend = (await withWasmPrintCapture(async () => factory())) as BackendWasmLike;
      guardBackend(backend);
      return backend;
    },
    { [GUARDED]: true },
  );
}

/** Guards the kernels and the instances of tfjs's `backendName` backend (call at the end of init). */
export function installHeapGuard(backendName: string): void {
  guardKernels(backendName);
  guardBackendFactory(backendName);
}
