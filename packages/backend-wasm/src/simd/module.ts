// llmkit's WebAssembly SIMD kernels (csrc/, built into kernels-wasm.generated.ts) instantiated on
// the heap of each tfjs-wasm backend: the module imports tfjs's own memory, so kernels read and
// write tensors in place. Instantiated asynchronously when tfjs makes the backend (browsers
// refuse to instantiate modules over 4 KB synchronously on the main thread).
import { tf } from '@llmkit/core';
import { KERNELS_WASM, KERNELS_WASM_SHARED } from './kernels-wasm.generated.js';

/** The C functions of csrc/, by export name; pointers are byte offsets into tfjs's heap. */
export interface SimdExports {
  gelu_tanh(x: number, y: number, n: number): void;
  gelu_tanh_grad(dy: number, x: number, dx: number, n: number): void;
  gelu_erf(x: number, y: number, n: number): void;
  gelu_erf_grad(dy: number, x: number, dx: number, n: number): void;
  layer_norm(x: number, gamma: number, beta: number, y: number, mean: number, rstd: number, rows: number, cols: number, eps: number): void;
  layer_norm_grad(dy: number, x: number, gamma: number, mean: number, rstd: number, dx: number, dgamma: number, dbeta: number, rows: number, cols: number): void;
  log_sum_exp_rows(x: number, lse: number, rows: number, cols: number): void;
  log_softmax(x: number, y: number, rows: number, cols: number): void;
  log_softmax_grad(dy: number, y: number, dx: number, rows: number, cols: number): void;
  softmax_cross_entropy_grad(x: number, labels: number, lse: number, d: number, rows: number, cols: number, ignore: number, scale: number): void;
  sum_rows(x: number, y: number, rows: number, cols: number): void;
  /** `table`: 9 int32 words per tensor (see csrc/adamw.c). */
  adamw(table: number, count: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, eps: number, stepSize: number, bias2Sqrt: number): void;
}

interface EmscriptenModuleLike {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}

const instances = new WeakMap<object, SimdExports>();
const compiled = new Map<boolean, Promise<WebAssembly.Module>>();
const FACTORY_WRAPPED = Symbol.for('llmkit.wasm.simdFactory');

/** Whether tfjs's SIMD kernels are turned off (LLMKIT_WASM_SIMD_KERNELS=off): for comparisons. */
let disabled = false;
export function setSimdKernelsEnabled(on: boolean): void {
  disabled = !on;
}

function decode(base64: string): Uint8Array {
  if (typeof atob === 'function') return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Uint8Array((globalThis as { Buffer?: { from(s: string, e: string): Uint8Array } }).Buffer!.from(base64, 'base64'));
}

function memoryOf(backend: unknown): WebAssembly.Memory | undefined {
  const wasm = (backend as { wasm?: EmscriptenModuleLike }).wasm;
  return wasm?.wasmMemory ?? wasm?.asm?.memory;
}

/** Instantiates the kernels on one backend's heap (once); leaves nothing when it cannot. */
async function attach(backend: object): Promise<void> {
  if (instances.has(backend)) return;
  const memory = memoryOf(backend);
  if (!memory) return;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  let module = compiled.get(shared);
  if (!module) {
    module = WebAssembly.compile(decode(shared ? KERNELS_WASM_SHARED : KERNELS_WASM) as BufferSource);
    compiled.set(shared, module);
  }
  const instance = await WebAssembly.instantiate(await module, { env: { memory } });
  instances.set(backend, instance.exports as unknown as SimdExports);
}

/** The kernels on this backend's heap, or undefined (not attached, or turned off). */
export function simdOf(backend: unknown): SimdExports | undefined {
  return disabled ? undefined : instances.get(backend as object);
}

interface EngineRegistry {
  registry: Record<string, object | undefined>;
  registryFactory: Record<string, { factory: () => unknown; priority: number } | undefined>;
}

/**
 * Attaches the kernels to every backend tfjs makes under `backendName` (by wrapping its factory
 * in place) and to one already running. WebAssembly without SIMD cannot compile the module: the
 * kernels then stay unattached and the JavaScript host kernels run instead.
 */
export async function installSimdKernels(backendName: string): Promise<string> {
  const engine = tf.engine() as unknown as EngineRegistry;
  try {
    const up = engine.registry[backendName];
    if (up) await attach(up);
    const entry = engine.registryFactory[backendName];
    if (entry && !(entry.factory as unknown as Record<symbol, boolean>)[FACTORY_WRAPPED]) {
      const factory = entry.factory;
      const wrapped = async () => {
        const backend = (await factory()) as object;
        await attach(backend).catch(() => {});
        return backend;
      };
      // Keep the markers other wrappers put on the factory (heap-guard.ts's), and add ours.
      for (const key of Object.getOwnPropertySymbols(factory)) (wrapped as unknown as Record<symbol, unknown>)[key] = (factory as unknown as Record<symbol, unknown>)[key];
      entry.factory = Object.assign(wrapped, { [FACTORY_WRAPPED]: true });
    }
    await (compiled.get(false) ?? WebAssembly.compile(decode(KERNELS_WASM) as BufferSource));
    return 'WebAssembly SIMD kernels from C (gelu, layerNorm, logSoftmax, softmax cross-entropy, AdamW)';
  } catch (e) {
    return `JavaScript host kernels (the SIMD kernels did not load: ${(e as Error).message})`;
  }
}
