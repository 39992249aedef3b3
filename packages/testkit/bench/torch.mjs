// Runs the PyTorch companion (torch_bench.py) with the repository's venv, or says why it cannot.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');

const HOW_TO = [
  'Create the venv at the repository root (torch\'s CPU wheel is enough):',
  // The version the fixtures are pinned to (fixtures/generate.py), so one venv serves both.
  `  cd ${repo} && python3 -m venv --system-site-packages .venv && .venv/bin/pip install "torch==2.13.*" numpy`,
  'or point LLMKIT_PYTHON at a Python that has torch.',
].join('\n');

/**
 * Returns { results } (torch_bench.py's JSON) or { skipped } (a message saying why and how to
 * fix it). `args` go to torch_bench.py.
 */
export function runTorchBench(args = [], { timeoutMs = 5 * 60 * 1000 } = {}) {
  const python = process.env.LLMKIT_PYTHON ?? join(repo, '.venv', 'bin', 'python');
  if (!existsSync(python)) {
    return { skipped: `PyTorch comparison skipped: no Python at ${python}.\n${HOW_TO}` };
  }
  const proc = spawnSync(python, [join(here, 'torch_bench.py'), ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: timeoutMs,
  });
  if (proc.error) return { skipped: `PyTorch comparison skipped: ${python} failed to start (${proc.error.message}).\n${HOW_TO}` };
  if (proc.status === 3) {
    return { skipped: `PyTorch comparison skipped: ${python} cannot import torch.\n${HOW_TO}` };
  }
  if (proc.status !== 0) {
    const tail = (proc.stderr || '').trim().split('\n').slice(-5).join('\n');
    return { skipped: `PyTorch comparison skipped: torch_bench.py exited with ${proc.status}:\n${tail}` };
  }
  try {
    return { results: JSON.parse(proc.stdout) };
  } catch (e) {
    return { skipped: `PyTorch comparison skipped: torch_bench.py printed no JSON (${e.message}).` };
  }
}
