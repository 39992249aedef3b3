// The CUDA C kernel families of this package (kernels/*.cu, one family per file) and the NVRTC
// options every build and run-time compile uses, so that a cache key or a shipped image always
// names exactly how it was made.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Real architectures shipped as cubins; PTX is shipped for the lowest, for the driver to JIT elsewhere. */
export const SHIPPED_ARCHS = [70, 80, 90] as const;
/** The common header every family includes (passed to NVRTC by name). */
export const HEADER = 'llmkit.cuh';

/** Static shared memory a block may declare (48 KiB on every architecture; more needs dynamic opt-in). */
export const STATIC_SHARED_LIMIT = 48 * 1024;

export interface KernelFamily {
  /** e.g. `'layer-norm'`. */
  readonly name: string;
  readonly source: string;
}

export interface KernelSources {
  readonly header: string;
  readonly families: readonly KernelFamily[];
}

/** Reads `dir` (the package's kernels/, or dist/kernels/ once built). */
export function readKernelSources(dir: string): KernelSources {
  const header = readFileSync(join(dir, HEADER), 'utf8');
  const families = readdirSync(dir)
    .filter((f) => f.endsWith('.cu'))
    .sort()
    .map((f) => ({ name: f.slice(0, -3), source: readFileSync(join(dir, f), 'utf8') }));
  return { header, families };
}

/** NVRTC options for `target`: `sm_XX` gives PTX and a cubin, `compute_XX` PTX only. */
export function nvrtcOptions(target: string, verbose = false): string[] {
  return [`--gpu-architecture=${target}`, '--std=c++14', '-default-device', ...(verbose ? ['-Xptxas=-v'] : [])];
}

/** Cache key of one compile: source, header, options, NVRTC version and the target. */
export function compileKey(family: KernelFamily, header: string, options: readonly string[], nvrtcVersion: string): string {
  return createHash('sha256').update(family.source).update('\0').update(header).update('\0').update(options.join(' ')).update('\0').update(nvrtcVersion).digest('hex').slice(0, 32);
}
