// Which compiled image of a kernel family a device loads: a shipped cubin for its architecture (or
// an older minor of the same major), else a cubin NVRTC compiles now (disk-cached by source,
// options, NVRTC version and architecture), else the shipped PTX for the driver to JIT.
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CudaError } from '../errors.js';
import type { Nvrtc } from '../ffi/nvrtc.js';
import { HEADER, compileKey, nvrtcOptions, type KernelFamily } from './catalog.js';

/** dist/kernels/manifest.json: what the build compiled. */
export interface KernelManifest {
  /** NVRTC version that built the images, e.g. `'11.8'`. */
  readonly nvrtc: string;
  /** Target of the shipped PTX, e.g. `'compute_70'`. */
  readonly ptxTarget: string;
  /** Architectures shipped as cubins, e.g. [70, 80, 90]. */
  readonly cubinArchs: readonly number[];
  readonly families: Readonly<Record<string, { readonly key: string; readonly entries: readonly string[] }>>;
}

export type ImageChoice =
  | { readonly kind: 'cubin'; readonly arch: number; readonly file: string }
  | { readonly kind: 'nvrtc'; readonly arch: number }
  | { readonly kind: 'ptx'; readonly file: string };

/**
 * Picks the image for `family` on a device of compute capability `cc` (e.g. 86). A cubin runs on
 * its own major version at the same or a higher minor; PTX runs on any newer architecture via
 * the driver's JIT. `nvrtcArchs`: what the NVRTC found can target (empty when there is none).
 */
export function chooseImage(manifest: KernelManifest, family: string, cc: number, nvrtcArchs: readonly number[]): ImageChoice {
  if (!manifest.families[family]) {
    throw new CudaError({ library: 'loader', call: 'chooseImage', status: 0, statusName: 'UNKNOWN_KERNEL_FAMILY' }, `no kernel family '${family}' in the package's manifest (has ${Object.keys(manifest.families).join(', ')})`);
  }
  const minimum = Number(/compute_(\d+)/.exec(manifest.ptxTarget)?.[1] ?? 70);
  if (cc < minimum) {
    throw new CudaError(
      { library: 'loader', call: 'chooseImage', status: 0, statusName: 'UNSUPPORTED_ARCHITECTURE' },
      `this GPU is sm_${cc}; @llmkit/backend-cuda's kernels need sm_${minimum} or newer (Volta).`,
    );
  }
  const sameMajor = manifest.cubinArchs.filter((a) => Math.floor(a / 10) === Math.floor(cc / 10) && a <= cc).sort((a, b) => b - a);
  if (sameMajor[0] === cc) return { kind: 'cubin', arch: cc, file: `${family}.sm_${cc}.cubin` };
  // An exact cubin from NVRTC beats an older minor's (sm_86 has more registers per SM than sm_80's code assumes).
  if (nvrtcArchs.includes(cc)) return { kind: 'nvrtc', arch: cc };
  if (sameMajor[0] !== undefined) return { kind: 'cubin', arch: sameMajor[0], file: `${family}.sm_${sameMajor[0]}.cubin` };
  return { kind: 'ptx', file: `${family}.${manifest.ptxTarget}.ptx` };
}

/** Where run-time compiles are cached: $LLMKIT_CUDA_CACHE, else $XDG_CACHE_HOME/llmkit/cuda, else ~/.cache/llmkit/cuda. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.LLMKIT_CUDA_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'llmkit', 'cuda');
}

/** A cubin from NVRTC for `sm_<arch>`, read from the disk cache when the same compile was done before. */
export function compileCached(
  nvrtc: Nvrtc,
  family: KernelFamily,
  header: string,
  arch: number,
  cacheDir: string = defaultCacheDir(),
): { cubin: Uint8Array; cached: boolean; file: string } {
  const options = nvrtcOptions(`sm_${arch}`);
  const v = nvrtc.version();
  const key = compileKey(family, header, options, `${v.major}.${v.minor}`);
  const file = join(cacheDir, `${family.name}.sm_${arch}.${key}.cubin`);
  if (existsSync(file)) return { cubin: new Uint8Array(readFileSync(file)), cached: true, file };
  const out = nvrtc.compile({ name: `${family.name}.cu`, source: family.source, headers: { [HEADER]: header } }, options);
  if (!out.cubin?.length) {
    throw new CudaError({ library: 'nvrtc', call: 'nvrtcGetCUBIN', status: 0, statusName: 'EMPTY_CUBIN' }, `NVRTC returned no cubin for ${family.name}.cu on sm_${arch}`);
  }
  mkdirSync(cacheDir, { recursive: true });
  // Write then rename: two processes compiling at once never read a half-written file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, out.cubin);
  renameSync(tmp, file);
  return { cubin: out.cubin, cached: false, file };
}
