// Kernel coverage: record every TensorFlow.js kernel a workload runs (on a reference backend, with
// core's composite defaults), then list those a backend lacks. A missing kernel otherwise surfaces
// as tfjs's "Kernel 'X' not registered for backend 'Y'" in the middle of a user's training run.
import { tf } from '@llmkit/core';

type EngineWithRunKernel = { runKernel: (name: string, ...rest: unknown[]) => unknown };

/**
 * Runs `f` and adds to `names` every kernel the engine runs meanwhile, including those that ops
 * call inside a composite's default implementation and inside gradient functions.
 */
export async function recordKernels<T>(names: Set<string>, f: () => T | Promise<T>): Promise<T> {
  const engine = tf.engine() as unknown as EngineWithRunKernel;
  const original = engine.runKernel;
  engine.runKernel = function runKernel(this: unknown, name: string, ...rest: unknown[]) {
    names.add(name);
    return original.call(this, name, ...rest);
  };
  try {
    return await f();
  } finally {
    // The wrapper is an own property shadowing the prototype's method: removing it restores tfjs.
    delete (engine as Partial<EngineWithRunKernel>).runKernel;
    if (engine.runKernel !== original) engine.runKernel = original;
  }
}

/**
 * The recorded kernels that have no implementation registered for the tfjs backend `tfjsBackend`,
 * sorted. llmkit's own composite kernels (`Llmkit*`) are skipped: core registers their defaults
 * for whichever backend is active, and the tfjs kernels those defaults run are recorded instead.
 */
export function missingKernels(names: Iterable<string>, tfjsBackend: string): string[] {
  return [...new Set(names)].filter((name) => !name.startsWith('Llmkit') && tf.getKernel(name, tfjsBackend) == null).sort();
}
