// The GPU tokens/s benchmark that scripts/gpu-check.sh runs (testkit's gpt-step.mjs --backend=cuda,
// with PyTorch eager through torch_bench.py --device=cuda) runs end to end here: on the CPU double it
// times the 'micro' GPT step and reports finite tokens/s with no leaked tensor; with the real driver
// and no GPU it exits 1 with the typed "no CUDA device" message on one line; and torch_bench.py's
// --device=cuda refuses in one line when torch sees no GPU (times a step when it does). scripts/gpu-check.sh
// --bench (doctor, then that benchmark) runs through on the double with the micro config.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { buildDriverDouble } from './double/build.js';
import { describeWithLibrary } from './cuda-libs.js';
import { LIBCUDA } from '../src/ffi/discovery.js';

const bench = fileURLToPath(new URL('../../testkit/bench/', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));

function runBench(args: string[], env: Record<string, string | undefined>) {
  const p = spawnSync(process.execPath, [join(bench, 'gpt-step.mjs'), '--backend=cuda', ...args], {
    env: { ...process.env, LLMKIT_CUDA_TARGET: undefined, ...env },
    encoding: 'utf8',
    timeout: 240_000,
    cwd: repo,
  });
  return { status: p.status, stdout: p.stdout, stderr: p.stderr };
}

interface BenchRow {
  config: string;
  tokens: number;
  llmkit: { ms: number; tokensPerSec: number; iters: number; leaked: number; device: string; backend: string; error?: string };
  torch: { error?: string; tokensPerSec?: number };
}

it("gpt-step.mjs --backend=cuda on the CPU double: the 'micro' step gives finite positive tokens/s, consistent with its ms, and leaks no tensor", () => {
  const so = buildDriverDouble();
  const dir = mkdtempSync(join(tmpdir(), 'llmkit-gpu-bench-'));
  try {
    const json = join(dir, 'out.json');
    // PyTorch is asked for too: here it cannot run on a GPU (no venv, or a CPU-only torch), and the
    // bench must say why on one line and still report llmkit's side.
    const r = runBench(['--configs=micro', '--quick', `--json=${json}`], { LLMKIT_CUDA_LIBCUDA: so, LLMKIT_CUBLAS: so });
    expect(r.status, r.stderr).toBe(0);
    const rows = (JSON.parse(readFileSync(json, 'utf8')) as { results: BenchRow[] }).results;
    expect(rows).toHaveLength(1);
    const { llmkit, torch, tokens } = rows[0]!;
    expect(llmkit.error).toBeUndefined();
    expect(llmkit.backend).toBe('cuda');
    expect(llmkit.device).toMatch(/test double/);
    expect(tokens).toBe(1 * 8); // micro: batch 1, block 8
    expect(llmkit.iters).toBeGreaterThanOrEqual(2);
    expect(Number.isFinite(llmkit.tokensPerSec) && llmkit.tokensPerSec > 0, `tokens/s ${llmkit.tokensPerSec}`).toBe(true);
    expect(llmkit.tokensPerSec).toBeCloseTo((tokens * 1000) / llmkit.ms, 6);
    expect(llmkit.leaked).toBe(0);
    // The printed table carries the same figure, and the PyTorch line says why it is missing (or names the GPU).
    const line = r.stdout.split('\n').find((l) => /^micro\s/.test(l));
    expect(line, r.stdout).toMatch(/\bok$/);
    expect(r.stdout).toMatch(/^llmkit: llmkit CPU test double/m);
    if (torch.error) expect(r.stdout).toMatch(/^PyTorch: PyTorch comparison skipped: /m);
    else expect(r.stdout).toMatch(/^PyTorch \S+ eager on .+, float32, TF32 off/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("scripts/gpu-check.sh --bench on the CPU double (configs 'micro'): doctor, then the tokens/s step, exit 0 and the measurements file", () => {
  const so = buildDriverDouble();
  const dir = mkdtempSync(join(tmpdir(), 'llmkit-gpu-check-'));
  try {
    const p = spawnSync('bash', [fileURLToPath(new URL('../scripts/gpu-check.sh', import.meta.url)), '--bench'], {
      env: { ...process.env, LLMKIT_CUDA_TARGET: undefined, LLMKIT_CUDA_LIBCUDA: so, LLMKIT_CUBLAS: so, LLMKIT_GPU_BENCH_CONFIGS: 'micro', LLMKIT_GPU_BENCH_ARGS: '--quick', TMPDIR: dir,
        // No PyTorch here (CI has no Python): the script must say so and go on.
        LLMKIT_PYTHON: join(dir, 'no-python') },
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(p.status, `${p.stdout}\n${p.stderr}`).toBe(0);
    expect(p.stdout).toMatch(/^verdict\s+ready: 1 GPU/m);
    expect(p.stdout).toMatch(/^== tokens\/s: llmkit 'cuda' next to PyTorch eager/m);
    expect(p.stdout).not.toMatch(/^== kernels, cuBLAS/m); // --bench: only the doctor and the benchmark
    expect(p.stdout).toMatch(/^PyTorch eager not run: no Python at /m);
    expect(p.stdout).toMatch(/^gpu-check: all steps passed$/m);
    const rows = (JSON.parse(readFileSync(join(dir, 'llmkit-gpu-bench.json'), 'utf8')) as { results: BenchRow[] }).results;
    expect(rows.map((r) => [r.config, r.llmkit.leaked])).toEqual([['micro', 0]]);
    expect(rows[0]!.llmkit.tokensPerSec).toBeGreaterThan(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describeWithLibrary(LIBCUDA, 'the bench with the real driver and no GPU', () => {
  it("gpt-step.mjs --backend=cuda exits 1 with the typed 'no CUDA device' message on one line, no stack", () => {
    const r = runBench(['--configs=micro', '--quick', '--no-torch'], {});
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^gpt-step\.mjs: llmkit's 'cuda' backend cannot run: Backend 'cuda' failed to initialise: no CUDA device: cuInit returned CUDA_ERROR_NO_DEVICE \(100\)\./);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

const python = process.env.LLMKIT_PYTHON ?? join(repo, '.venv', 'bin', 'python');
const torchCuda = existsSync(python) ? spawnSync(python, ['-c', 'import torch; print(torch.cuda.is_available())'], { encoding: 'utf8', timeout: 60_000 }) : null;
const skipTorch = !torchCuda ? `no Python at ${python}` : torchCuda.status !== 0 ? `${python} cannot import torch` : null;
if (skipTorch) console.warn(`[backend-cuda] skipping torch_bench.py --device=cuda: ${skipTorch} (CI has no Python; see packages/testkit/bench/README.md)`);

it.skipIf(skipTorch !== null)('torch_bench.py --step --device=cuda: refuses in one line (exit 4) when torch sees no GPU; times the step in float32 without TF32 when it does', () => {
  const micro = JSON.stringify({ vocab: 16, block: 8, layers: 1, heads: 2, d: 16, batch: 1 });
  const iters = JSON.stringify({ warmup: 1, min_iters: 2, max_iters: 2, budget_s: 1 });
  const p = spawnSync(python, [join(bench, 'torch_bench.py'), '--step', micro, '--iters', iters, '--device=cuda'], { encoding: 'utf8', timeout: 120_000 });
  if (torchCuda!.stdout.trim() === 'True') {
    expect(p.status, p.stderr).toBe(0);
    const out = JSON.parse(p.stdout) as { device: string; device_name: string; tf32: boolean; step: { ms: number } };
    expect(out).toMatchObject({ device: 'cuda', tf32: false });
    expect(out.device_name.length).toBeGreaterThan(0);
    expect(out.step.ms).toBeGreaterThan(0);
  } else {
    expect(p.status).toBe(4);
    expect(p.stdout).toBe('');
    expect(p.stderr.trim().split('\n'), p.stderr).toHaveLength(1);
    expect(p.stderr).toMatch(/^torch_bench\.py: --device=cuda but torch \S+ sees no CUDA GPU \(built for CUDA /);
  }
});
