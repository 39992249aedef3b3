// ensureBackend and requireBackend, each case in a fresh Node process (the registry and tfjs's
// engine are process-wide): a model's first tensor without a backend is llmkit's BackendError
// naming the fix, and a library's first use activates the backend tfjs already runs.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs an ES module in a new process from this package's folder; resolves to its stdout (or stderr on failure). */
function run(code: string): { ok: boolean; out: string } {
  try {
    return { ok: true, out: execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: new URL('..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const TEST_CPU = `{ name: 'test-cpu', tfjsBackend: 'cpu', priority: -1, init: async () => {}, describe: () => ({ name: 'test-cpu', tfjsBackend: 'cpu', device: 'CPU', fusedKernels: [] }) }`;

describe('a backend on first use', () => {
  it('requireBackend: no backend imported → a BackendError that names useBackend and the package to install, not tfjs\'s "No backend found"', () => {
    const { ok, out } = run(`
      import { Rng, normal, BackendError } from '@llmkit/core';
      try { normal([2, 2], { rng: new Rng(1) }); console.log('built'); }
      catch (e) { console.log(BackendError.isInstance(e), e.code, e.message); }`);
    expect(ok).toBe(true);
    expect(out).toMatch(/^true BackendError initializing parameters: no backend is active \(none is installed or imported\); call `await useBackend\(\)`/);
    expect(out).toContain('npm i @llmkit/backend-wasm');
    expect(out).not.toContain('No backend found');
  });

  it('requireBackend: an async backend registered but never awaited → the BackendError names it', () => {
    const { ok, out } = run(`
      import { Rng, normal, registerBackend, tf } from '@llmkit/core';
      // Like tfjs-wasm: a factory that resolves later, which tfjs refuses to use synchronously.
      tf.registerBackend('slow', () => new Promise(() => {}), 5);
      registerBackend({ name: 'slow', tfjsBackend: 'slow', init: async () => {}, describe: () => ({}) });
      try { normal([2], { rng: new Rng(1) }); console.log('built'); } catch (e) { console.log(e.code, e.message); }`);
    expect(ok).toBe(true);
    expect(out).toMatch(/^BackendError initializing parameters: no backend is active \(slow registered but not activated\); call `await useBackend\(\)`/);
  });

  it('ensureBackend: a model built on the tfjs backend tfjs started by itself → that backend is activated through llmkit, chosen once', () => {
    const { ok, out } = run(`
      import '@tensorflow/tfjs-backend-cpu';
      import { Rng, normal, ensureBackend, registerBackend, currentBackend, tf } from '@llmkit/core';
      registerBackend(${TEST_CPU});
      const w = normal([2], { rng: new Rng(1) });              // tfjs starts cpu on its own
      const first = await ensureBackend();
      const second = await ensureBackend();
      console.log(tf.getBackend(), first.backend.name, first.chosen, second.chosen, currentBackend().name, w.dataSync().length);`);
    expect(ok).toBe(true);
    expect(out.trim()).toBe('cpu test-cpu true false test-cpu 2');
  });

  it('ensureBackend: after useBackend it only reports the active backend (chosen: false)', () => {
    const { ok, out } = run(`
      import '@tensorflow/tfjs-backend-cpu';
      import { ensureBackend, useBackend } from '@llmkit/core';
      await useBackend(${TEST_CPU});
      const { backend, chosen } = await ensureBackend();
      console.log(backend.name, chosen);`);
    expect(ok).toBe(true);
    expect(out.trim()).toBe('test-cpu false');
  });
});
