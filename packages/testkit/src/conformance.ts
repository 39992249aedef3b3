// runConformance(backend): the one suite every llmkit backend runs — PyTorch fixtures for every
// composite op and matmul (forward and gradient), an AdamW step, fast-check properties, the
// no-leak check and kernel counts that do not grow with the shape. A backend that cannot run a
// case skips it by name, with a reason that is printed.
import { describe, it, beforeAll } from 'vitest';
import { tf, useBackend, type Backend } from '@llmkit/core';
import { expectClose } from './compare.js';
import { loadFixture, toTensor } from './fixtures.js';
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
          it(c.name, () => {
            tf.tidy(() => {
              const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, spec]) => [k, toTensor(spec)]));
              const outputs = op.forward(inputs, c.attrs);
              for (const [outName, spec] of Object.entries(c.outputs)) {
                expectClose(outputs[outName]!, spec, op.tolerance, `${id} output '${outName}'`);
              }
              const gradNames = Object.keys(c.grads ?? {});
              if (gradNames.length === 0) return;
              const dy = inputs.dy!;
              const xs = gradNames.map((g) => inputs[g]!);
              const f = (...args: tf.Tensor[]) => {
                const replaced = { ...inputs };
                gradNames.forEach((g, i) => (replaced[g] = args[i]!));
                return tf.sum(tf.mul(op.forward(replaced, c.attrs)[op.gradOutput]!, dy));
              };
              const grads = tf.grads(f)(xs);
              gradNames.forEach((g, i) => expectClose(grads[i]!, c.grads![g]!, op.tolerance, `${id} gradient of '${g}'`));
            });
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
