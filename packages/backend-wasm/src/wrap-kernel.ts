// Replaces one of tfjs-wasm's kernels with a wrapper around it, once per program: the wrapper is
// marked so that a second call (a second useBackend, a second copy of this package) is a no-op.
import { tf } from '@llmkit/core';
import type { KernelConfig } from '@tensorflow/tfjs-core';

const WRAPPED = Symbol.for('llmkit.wasm.wrappedKernel');

export function wrapKernel(kernelName: string, backendName: string, wrap: (original: KernelConfig) => KernelConfig): void {
  const original = tf.getKernel(kernelName, backendName);
  if (!original || (original as unknown as Record<symbol, boolean>)[WRAPPED]) return;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel(Object.assign(wrap(original), { [WRAPPED]: true }));
}
