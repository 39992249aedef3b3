// Builds the driver test double (cuda-driver-double.c) once per source version into the temporary
// folder with the system C compiler, and returns the .so's path (for LLMKIT_CUDA_LIBCUDA).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('./cuda-driver-double.c', import.meta.url));

export function buildDriverDouble(): string {
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 16);
  const out = join(tmpdir(), `llmkit-cuda-driver-double-${hash}.so`);
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  execFileSync(process.env.CC ?? 'cc', ['-shared', '-fPIC', '-O1', '-Wall', '-Wextra', '-Werror', '-std=c11', '-o', tmp, source], { stdio: 'pipe' });
  renameSync(tmp, out);
  return out;
}
