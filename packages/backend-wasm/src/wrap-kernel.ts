// Replaces one of tfjs-wasm's kernels with a wrapper around it, once per program: the wrapper is
// marked so that a second call (a second useBackend, a second copy of this package) is a no-op.
import { tf } from '@llmkit/core';
import type { KernelConfig } from '@tensorflow/tfjs-core';

const WRAPPED = Symbol.for('llmkit.wasm.wrappedKernel');

/**
 * Replaces `kernelName` with `wrap(original)` unless the registered kernel already carries `marker`.
 * A wrapper of another kind (the heap guard over a fast path) passes its own marker, and keeps the
 * original's markers on its config so that the inner wrap stays a no-op on a second call.
 */
export function wrapKernel(kernelName: string, backendName: string, wrap: (original: KernelConfig) => KernelConfig, marker: symbol = WRAPPED): void {
  const original = tf.getKernel(kernelName, backendName);
  if (!original || (original as unknown as Record<symbol, boolean>)[marker]) return;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel(Object.assign(wrap(original), { [marker]: true }));
}
