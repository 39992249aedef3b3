// runConformance(backend): the one suite every llmkit backend runs — PyTorch fixtures for every
// composite op and matmul (forward and gradient), an AdamW step, fast-check properties, the
// no-leak check and kernel counts that do not grow with the shape. A backend that cannot run a
// case skips it by name, with a reason that is printed. Every read is asynchronous (`await
// t.data()`), so the suite runs on backends whose synchronous reads throw (webgpu in Node).
import { describe, it, beforeAll } from 'vitest';
import { tf, useBackend, type Backend } from '@llmkit/core';
import { expectCloseAsync } from './compare.js';
import { loadFixture, toTensor, type TensorSpec } from './fixtures.js';
import { opCases } from './cases.js';
import { adamwReferenceCases } from './adamw.js';
import { registerProperties } from './properties.js';
import { registerLeakChecks } from './leaks.js';
import { registerKernelCountChecks } from './kernel-counts.js';

export interface ConformanceOptions {
  /** Cases to skip, `'<fixture>/<case>'` → reason. The reason is printed in the test output. */
  skip?: Readonly<Record<string, string>>;
  /** Number of fast-check runs per property (default 25). */
  numRuns?: number;
  /**
   * Runs once in `beforeAll`, after `useBackend(backend)`: backend flags the suite needs, e.g.
   * `() => tf.env().set('WEBGPU_CPU_FORWARD', false)` so that webgpu runs small ops on the GPU too.
   */
  setup?: () => void | Promise<void>;
}

/**
 * Registers the conformance suite (vitest `describe` blocks) for a backend.
 *
 * ```ts
 * // packages/backend-foo/test/conformance.test.ts
 * import '@llmkit/backend-foo';
 * import { runConformance } from '@llmkit/testkit';
 * runConformance('foo');
 * ```
 */
export function runConformance(backend: string | Backend, options: ConformanceOptions = {}): void {
  const name = typeof backend === 'string' ? backend : backend.name;
  const skip = options.skip ?? {};

  describe(`conformance: ${name}`, () => {
    beforeAll(async () => {
      await useBackend(backend);
      await options.setup?.();
    });

    for (const op of opCases) {
      const fixture = loadFixture(op.fixture);
      describe(`${op.fixture} vs PyTorch ${fixture.meta.torch} (rtol ${op.tolerance.rtol}, atol ${op.tolerance.atol}: ${op.why})`, () => {
        for (const c of fixture.cases) {
          const id = `${op.fixture}/${c.name}`;
          const reason = skip[id];
          if (reason) {
            it.skip(`${c.name} — skipped on ${name}: ${reason}`, () => {});
            continue;
          }
          it(c.name, async () => {
            // Compute everything in one tidy, keeping the tensors to compare (outputs first, then
            // gradients), then read them asynchronously in that order and free them.
            const checks: { spec: TensorSpec; label: string }[] = [];
            const kept = tf.tidy(() => {
              const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, spec]) => [k, toTensor(spec)]));
              const outputs = op.forward(inputs, c.attrs);
              const keep: tf.Tensor[] = [];
              for (const [outName, spec] of Object.entries(c.outputs)) {
                keep.push(outputs[outName]!);
                checks.push({ spec, label: `${id} output '${outName}'` });
              }
              const gradNames = Object.keys(c.grads ?? {});
              if (gradNames.length === 0) return keep;
              const dy = inputs.dy!;
              const xs = gradNames.map((g) => inputs[g]!);
              const f = (...args: tf.Tensor[]) => {
                const replaced = { ...inputs };
                gradNames.forEach((g, i) => (replaced[g] = args[i]!));
                return tf.sum(tf.mul(op.forward(replaced, c.attrs)[op.gradOutput]!, dy));
              };
              const grads = tf.grads(f)(xs);
              gradNames.forEach((g, i) => {
                keep.push(grads[i]!);
                checks.push({ spec: c.grads![g]!, label: `${id} gradient of '${g}'` });
              });
              return keep;
            });
            try {
              for (const [i, { spec, label }] of checks.entries()) await expectCloseAsync(kept[i]!, spec, op.tolerance, label);
            } finally {
              tf.dispose(kept);
            }
          });
        }
      });
    }

    describe(`adamw vs torch.optim.AdamW`, () => {
      for (const c of adamwReferenceCases()) {
        it(c.name, () => c.run());
      }
    });

    registerProperties(options.numRuns ?? 25);
    registerLeakChecks();
    registerKernelCountChecks();
  });
}
