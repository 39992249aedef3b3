// Finds a Python that can run continue_training.py (torch, transformers, accelerate): $LLMKIT_PYTHON,
// else a .venv/bin/python in this folder or any folder above it, else python3 on the PATH.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const MODULES = ['torch', 'transformers', 'accelerate'];

/** The first missing module of `python`, or undefined when it has them all (null: it does not run). */
function missingModule(python) {
  const check = `import importlib.util as u, sys; m = [n for n in ${JSON.stringify(MODULES)} if u.find_spec(n) is None]; print(m[0] if m else '')`;
  const r = spawnSync(python, ['-c', check], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return null;
  return r.stdout.trim() || undefined;
}

/**
 * `{ python }` ready to use, or `{ reason }` saying in one line why there is none.
 * An explicit $LLMKIT_PYTHON that cannot run the script is an error, not a skip.
 */
export function findPython(start = process.cwd()) {
  const explicit = process.env.LLMKIT_PYTHON;
  if (explicit) {
    const missing = missingModule(explicit);
    if (missing === undefined) return { python: explicit };
    throw new Error(`LLMKIT_PYTHON=${explicit} ${missing === null ? 'does not run' : `has no module '${missing}'`}; it needs ${MODULES.join(', ')}`);
  }
  const tried = [];
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const venv = join(dir, '.venv/bin/python');
    if (existsSync(venv)) {
      const missing = missingModule(venv);
      if (missing === undefined) return { python: venv };
      tried.push(`${venv}: ${missing === null ? 'does not run' : `no ${missing}`}`);
    }
    if (dirname(dir) === dir) break;
  }
  const missing = missingModule('python3');
  if (missing === undefined) return { python: 'python3' };
  tried.push(`python3: ${missing === null ? 'not found' : `no ${missing}`}`);
  return { reason: `no Python with ${MODULES.join(', ')} (${tried.join('; ')}); set LLMKIT_PYTHON to one` };
}
