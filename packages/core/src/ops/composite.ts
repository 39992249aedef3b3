// Composite ops as kernels: each composite op (layerNorm, attention, ...) is a tfjs kernel with a
// default implementation written in tfjs ops, registered lazily for whatever backend is active,
// and one registered gradient. A backend replaces the default with a fused kernel by listing a
// `KernelOverride` (see backend.ts); ops never know which implementation runs.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelFunc, NamedAttrMap, NamedTensorMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelOverride } from '../backend/backend.js';
import { BackendError } from '../errors.js';

/** A composite kernel: a name, its default implementation, and (for forward kernels) its gradient. */
export interface CompositeKernel {
  readonly kernelName: string;
  /** Default implementation in tfjs ops; receives its inputs as Tensors. */
  readonly defaultImpl: (inputs: Record<string, Tensor>, attrs: NamedAttrMap) => Tensor | Tensor[];
  readonly gradient?: Omit<GradConfig, 'kernelName'>;
}

const composites = new Map<string, CompositeKernel>();

/** Names of every composite kernel a backend may override. */
export function compositeKernelNames(): string[] {
  return [...composites.keys()];
}

/** Declares a composite kernel; its gradient is registered with tfjs once per program. */
export function defineComposite(kernel: CompositeKernel): CompositeKernel {
  composites.set(kernel.kernelName, kernel);
  if (kernel.gradient && tf.getGradient(kernel.kernelName) == null) {
    tf.registerGradient({ kernelName: kernel.kernelName, ...kernel.gradient });
  }
  return kernel;
}

function defaultKernelFunc(kernel: CompositeKernel): KernelFunc {
  return ({ inputs, attrs }) =>
    // Intermediates of the default implementation are freed here; only the outputs survive.
    tf.tidy(() => kernel.defaultImpl(inputs as unknown as Record<string, Tensor>, attrs ?? {})) as TensorInfo | TensorInfo[];
}

/**
 * The default implementation of a composite kernel as a tfjs kernel function, for a backend's
 * fused override to fall back on in the cases it does not cover (its intermediates are freed).
 *
 * ```ts
 * const attentionDefault = compositeDefault('LlmkitAttention');
 * const fused: KernelFunc = (args) => (covered(args) ? runFused(args) : attentionDefault(args));
 * ```
 */
export function compositeDefault(kernelName: string): KernelFunc {
  const kernel = composites.get(kernelName);
  if (!kernel) {
    throw new BackendError(`compositeDefault: no composite kernel '${kernelName}'; composite kernels: ${compositeKernelNames().join(', ')}`);
  }
  return defaultKernelFunc(kernel);
}

/** Registers the default implementation for the active tfjs backend unless one is registered. */
function ensureRegistered(kernel: CompositeKernel): void {
  const backendName = tf.getBackend();
  if (tf.getKernel(kernel.kernelName, backendName) == null) {
    tf.registerKernel({ kernelName: kernel.kernelName, backendName, kernelFunc: defaultKernelFunc(kernel) });
  }
}

/**
 * Makes `overrides` the composite kernels of a tfjs backend (called by `useBackend`): listed kernels
 * replace whatever was registered, and every other composite goes back to its default, so two llmkit
 * backends over one tfjs backend (say fused and unfused wasm) each get exactly their own kernels.
 */
export function installKernelOverrides(backendName: string, overrides: readonly KernelOverride[]): void {
  const listed = new Set(overrides.map((o) => o.kernelName));
  for (const kernelName of composites.keys()) {
    if (!listed.has(kernelName) && tf.getKernel(kernelName, backendName) != null) tf.unregisterKernel(kernelName, backendName);
  }
  for (const { kernelName, kernelFunc } of overrides) {
    if (tf.getKernel(kernelName, backendName) != null) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
}

/** Runs a composite kernel on the active backend. */
export function runComposite(
  kernel: CompositeKernel,
  inputs: Record<string, Tensor>,
  attrs: NamedAttrMap = {},
): Tensor[] {
  ensureRegistered(kernel);
  const out = tf.engine().runKernel(kernel.kernelName, inputs as unknown as NamedTensorMap, attrs);
  return (Array.isArray(out) ? out : [out]) as Tensor[];
}

/**
 * Runs a forward composite whose extra outputs (statistics for the backward pass, such as a
 * LayerNorm's mean and 1/std) the caller does not see. They are freed at once: when a gradient
 * tape records, the engine has already kept its own references for the backward pass.
 */
export function runCompositeWithSaved(
  kernel: CompositeKernel,
  inputs: Record<string, Tensor>,
  attrs: NamedAttrMap = {},
): Tensor {
  const [y, ...saved] = runComposite(kernel, inputs, attrs);
  for (const t of saved) t.dispose();
  return y as Tensor;
}
