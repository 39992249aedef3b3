// Threads in Node (node-threads.ts): LLMKIT_WASM_THREADS picks XNNPACK's pool size (with the BLAS
// off: with a BLAS the threads are the BLAS's, blas.test.ts), a bad value is a BackendError, and
// the process exits by itself (the pool's workers never keep Node alive).
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./fixtures/threads.cjs', import.meta.url));

function run(threads: string) {
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LLMKIT_WASM_THREADS: threads, LLMKIT_BLAS: 'off' } });
  expect(r.signal, `the child had to be killed (did a worker keep it alive?)\n${r.stderr}`).toBeNull();
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('wasm threads in Node', () => {
  it('LLMKIT_WASM_THREADS=2 starts the threaded build and exits by itself', () => {
    const out = run('2');
    expect(out.finite).toBe(true);
    expect(out.details).toMatchObject({ threadsRequested: 2 });
    // A sandbox may forbid worker threads; then the backend falls back to 1 thread and says why.
    if (out.details.threadedBuild) {
      expect(out.details.threads).toBe(2);
      // The threaded build's heap is a shared memory: the SIMD kernels' shared-memory build attaches.
      expect(out.details.simdKernelsAttached).toContain('LlmkitLayerNorm');
    }
    else expect(out.details.threadsNote).toMatch(/1 thread/);
  });

  it('LLMKIT_WASM_THREADS=1 runs single-threaded', () => {
    const out = run('1');
    expect(out.details).toMatchObject({ threads: 1, threadedBuild: false });
  });

  it('a bad LLMKIT_WASM_THREADS is a BackendError naming the variable', () => {
    const out = run('lots');
    expect(out.code).toBe('BackendError');
    expect(out.error).toMatch(/LLMKIT_WASM_THREADS.*expected 'auto' or an integer >= 1, got "lots"/);
  });
});
