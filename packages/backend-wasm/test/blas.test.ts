// Finding the machine's BLAS (blas.ts) and choosing the matmul path (LLMKIT_BLAS, setMatMulBlas):
// auto finds one (required in CI, where .ci/run installs OpenBLAS), off and bad paths behave, and
// a machine without one is told once how to get the fast path.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BackendError } from '@llmkit/core';
import { setMatMulBlas } from '@llmkit/backend-wasm';
import { findBlas, parseBlasSetting } from '../src/blas.js';

const script = fileURLToPath(new URL('./fixtures/threads.cjs', import.meta.url));

function run(env: Record<string, string | undefined>) {
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LLMKIT_BLAS: undefined, ...env } });
  expect(r.status, r.stderr).toBe(0);
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()!), stderr: r.stderr };
}

describe('BLAS for matmuls', () => {
  it('auto finds the machine’s BLAS and gives it the threads (required in CI)', (ctx) => {
    const out = run({ LLMKIT_WASM_THREADS: '2' });
    expect(out.finite).toBe(true);
    if (!String(out.details.matmul).startsWith('BLAS')) {
      if (process.env.CI) throw new Error(`CI installs OpenBLAS (.ci/run), but: ${out.details.blas}`);
      console.warn(`no BLAS on this machine: ${out.details.blas}`);
      ctx.skip();
    }
    expect(out.details.blas).toMatch(/^(openblas|mkl|blis|accelerate) from /);
    // One pool: the BLAS's threads; XNNPACK runs on the calling thread.
    expect(out.details).toMatchObject({ wasmThreads: 1, threadedBuild: false });
    if (/^(openblas|mkl|blis)/.test(out.details.blas)) expect(out.details.threads).toBe(2);
    expect(out.stderr).not.toMatch(/XNNPACK/);
    // tfjs's single-threaded build: the SIMD kernels attach to its unshared memory.
    expect(out.details.simdKernelsAttached).toContain('LlmkitLayerNorm');
  });

  it('LLMKIT_BLAS=off keeps XNNPACK and its thread pool, and prints nothing', () => {
    const out = run({ LLMKIT_BLAS: 'off', LLMKIT_WASM_THREADS: '2' });
    expect(out.finite).toBe(true);
    expect(out.details.matmul).toMatch(/^XNNPACK/);
    expect(out.details.blas).toBe('off (LLMKIT_BLAS=off)');
    expect(out.stderr).toBe('');
  });

  it('LLMKIT_BLAS naming a missing library is a BackendError naming the variable and the path', () => {
    const out = run({ LLMKIT_BLAS: '/nonexistent/libopenblas.so' });
    expect(out.code).toBe('BackendError');
    expect(out.error).toMatch(/LLMKIT_BLAS=\/nonexistent\/libopenblas\.so: cannot use \/nonexistent\/libopenblas\.so as a BLAS: .*(No such file|not found|cannot open)/);
  });

  it('no BLAS found: the note says what was tried and how to get one', async () => {
    const { blas, note } = await findBlas('auto', 'auto', ['libllmkit-no-such-blas.so.0']);
    expect(blas).toBeNull();
    expect(note).toContain('tried libllmkit-no-such-blas.so.0');
    if (process.platform === 'linux') expect(note).toContain('apt-get install libopenblas0-pthread');
    expect(note).toContain('LLMKIT_BLAS');
  });

  it('off, on and paths parse; anything else is a BackendError naming where it came from', () => {
    expect(parseBlasSetting('OFF', 'x')).toBe('off');
    expect(parseBlasSetting('auto', 'x')).toBe('auto');
    expect(parseBlasSetting(' /opt/lib/libblis.so ', 'x')).toEqual({ path: '/opt/lib/libblis.so' });
    expect(() => parseBlasSetting('', 'LLMKIT_BLAS')).toThrow(/^LLMKIT_BLAS: expected 'auto', 'off' or the path of a BLAS library, got ""$/);
    expect(() => setMatMulBlas(3 as unknown as 'off')).toThrow(BackendError);
  });
});
