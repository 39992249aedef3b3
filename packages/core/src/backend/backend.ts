// The backend contract: what a backend package provides so that `useBackend(...)` can switch to it.
import type { KernelFunc } from '@tensorflow/tfjs-core';

/** A fused kernel a backend substitutes for one of core's composite ops (see `compositeKernelNames`). */
export interface KernelOverride {
  /** One of core's composite kernel names, e.g. `'LlmkitLayerNorm'`. */
  readonly kernelName: string;
  readonly kernelFunc: KernelFunc;
}

/** What `describe()` reports about the device a backend runs on. */
export interface BackendDescription {
  /** llmkit backend name (`'wasm'`, `'cpu'`, `'webgpu'`, `'cuda'`). */
  readonly name: string;
  /** The TensorFlow.js backend it activates. */
  readonly tfjsBackend: string;
  /** Human-readable device, e.g. `'CPU (WebAssembly SIMD, 1 thread)'` or a GPU adapter name. */
  readonly device: string;
  /** Composite kernels this backend replaces with fused implementations. */
  readonly fusedKernels: readonly string[];
  /** Backend-specific details (threads, SIMD, adapter limits, driver version, ...). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * A backend package's entry in the registry.
 *
 * ```ts
 * import { registerBackend, useBackend } from '@llmkit/core';
 * registerBackend(myBackend);
 * await useBackend('my-backend');
 * ```
 */
export interface Backend {
  /** llmkit name used with `useBackend(name)`. */
  readonly name: string;
  /** The TensorFlow.js backend name it registers and activates. */
  readonly tfjsBackend: string;
  /** Higher wins when no backend is chosen explicitly (the wasm default uses 10, cpu 0). */
  readonly priority?: number;
  /** Fused kernels registered for `tfjsBackend` when the backend is activated. */
  readonly kernels?: readonly KernelOverride[];
  /** Registers the tfjs backend and prepares the device. Called once, before activation. */
  init(): Promise<void>;
  /** Device and adapter information; valid after `init()`. */
  describe(): BackendDescription;
}
