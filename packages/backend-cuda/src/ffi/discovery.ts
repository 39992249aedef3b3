// Finds and opens the CUDA libraries: an environment override, then sonames, CUDA_HOME/CUDA_PATH,
// /usr/local/cuda/lib64 and the nvidia/*/lib folders of Python wheels (where PyTorch puts cuBLAS
// and NVRTC). A miss is a CudaError that lists every place tried and what to install.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import koffi from 'koffi';
import type { LibraryHandle } from 'koffi';
import { CudaError } from '../errors.js';

/** How to find one library. */
export interface LibrarySpec {
  /** Human name, e.g. `'cuBLAS'`. */
  readonly label: string;
  /** Environment variable holding a path that replaces the search. */
  readonly envVar: string;
  /** File-name stem, e.g. `'libcublas'` (matches `libcublas.so` and `libcublas.so.12...`). */
  readonly stem: string;
  /** Sonames handed to the dynamic linker, newest first. */
  readonly sonames: readonly string[];
  /** Search the toolkit and wheel folders (false for the driver, which lives with the kernel module). */
  readonly searchFolders: boolean;
  /** Library loaded from the same folder first, when loading by path (NVRTC's builtins). */
  readonly companionStem?: string;
  /** What to install when it is missing. */
  readonly install: string;
}

export const LIBCUDA: LibrarySpec = {
  label: 'CUDA driver (libcuda)',
  envVar: 'LLMKIT_CUDA_LIBCUDA',
  stem: 'libcuda',
  sonames: ['libcuda.so.1', '/usr/lib/wsl/lib/libcuda.so.1'],
  searchFolders: false,
  install: 'the NVIDIA driver (on Debian: apt-get install libcuda1 from non-free; elsewhere the driver package of your distribution)',
};

export const LIBCUBLAS: LibrarySpec = {
  label: 'cuBLAS',
  envVar: 'LLMKIT_CUBLAS',
  stem: 'libcublas',
  sonames: ['libcublas.so.13', 'libcublas.so.12', 'libcublas.so.11'],
  searchFolders: true,
  install: 'cuBLAS: pip install nvidia-cublas-cu12, or the CUDA toolkit, or on Debian apt-get install libcublas11 (non-free)',
};

export const LIBCUBLASLT: LibrarySpec = {
  label: 'cuBLASLt',
  envVar: 'LLMKIT_CUBLASLT',
  stem: 'libcublasLt',
  sonames: ['libcublasLt.so.13', 'libcublasLt.so.12', 'libcublasLt.so.11'],
  searchFolders: true,
  install: 'cuBLASLt (ships with cuBLAS): pip install nvidia-cublas-cu12, or the CUDA toolkit, or on Debian apt-get install libcublaslt11 (non-free; libcublas11 depends on it)',
};

export const LIBNVRTC: LibrarySpec = {
  label: 'NVRTC',
  envVar: 'LLMKIT_NVRTC',
  stem: 'libnvrtc',
  sonames: ['libnvrtc.so.13', 'libnvrtc.so.12', 'libnvrtc.so.11.2'],
  searchFolders: true,
  companionStem: 'libnvrtc-builtins',
  install: 'NVRTC (optional: only for kernels not shipped for your GPU): pip install nvidia-cuda-nvrtc-cu12, or on Debian apt-get install libnvrtc11.2 libnvrtc-builtins11.8 (non-free)',
};

/** Where the search looks; tests pass temporary folders. */
export interface SearchContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly home: string;
}

export function processSearchContext(): SearchContext {
  return { env: process.env, cwd: process.cwd(), home: homedir() };
}

/** One place to try: a soname for the dynamic linker or a file path. */
export interface Candidate {
  readonly kind: 'env' | 'soname' | 'path';
  readonly target: string;
  /** Why it is a candidate, e.g. `'CUDA_HOME'` or `'python wheel'`. */
  readonly source: string;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Files `<stem>.so` or `<stem>.so.<version>` in `dir`, highest major version first. */
export function matchingFiles(dir: string, stem: string): string[] {
  const pattern = new RegExp(`^${stem.replace(/[-.]/g, '\\$&')}\\.so(\\.\\d+)*$`);
  const major = (f: string): number => Number(/\.so\.(\d+)/.exec(f)?.[1] ?? -1);
  return list(dir)
    .filter((f) => pattern.test(f))
    .sort((a, b) => major(b) - major(a) || b.length - a.length)
    .map((f) => join(dir, f));
}

/** site-packages folders of the python3 found on PATH, of .venv in cwd, of $VIRTUAL_ENV and of ~/.local. */
export function pythonSitePackages(ctx: SearchContext): string[] {
  const prefixes = new Set<string>();
  for (const dir of (ctx.env.PATH ?? '').split(delimiter)) {
    if (dir && (existsSync(join(dir, 'python3')) || existsSync(join(dir, 'python')))) prefixes.add(dirname(dir));
  }
  if (ctx.env.VIRTUAL_ENV) prefixes.add(ctx.env.VIRTUAL_ENV);
  prefixes.add(join(ctx.cwd, '.venv'));
  prefixes.add(join(ctx.home, '.local'));
  const out: string[] = [];
  for (const prefix of prefixes) {
    for (const lib of [join(prefix, 'lib'), join(prefix, 'local', 'lib')]) {
      for (const py of list(lib).filter((d) => /^python3(\.\d+)?$/.test(d))) {
        for (const sub of ['site-packages', 'dist-packages']) {
          const site = join(lib, py, sub);
          if (isDir(site)) out.push(site);
        }
      }
    }
  }
  return [...new Set(out)];
}

/** Folders searched for `spec` in order, each with the reason it is searched. */
export function searchFolders(ctx: SearchContext): { dir: string; source: string }[] {
  const dirs: { dir: string; source: string }[] = [];
  for (const v of ['CUDA_HOME', 'CUDA_PATH']) {
    const root = ctx.env[v];
    if (root) for (const sub of ['lib64', 'lib', 'targets/x86_64-linux/lib']) dirs.push({ dir: join(root, sub), source: v });
  }
  dirs.push({ dir: '/usr/local/cuda/lib64', source: '/usr/local/cuda' });
  for (const site of pythonSitePackages(ctx)) {
    for (const pkg of list(join(site, 'nvidia'))) dirs.push({ dir: join(site, 'nvidia', pkg, 'lib'), source: `python wheel (${site})` });
  }
  return dirs;
}

/** The places tried for `spec`, in order. With the override set, only the override. */
export function candidates(spec: LibrarySpec, ctx: SearchContext): Candidate[] {
  const override = ctx.env[spec.envVar];
  if (override) return [{ kind: 'env', target: override, source: spec.envVar }];
  const out: Candidate[] = spec.sonames.map((s) => ({ kind: 'soname' as const, target: s, source: 'dynamic linker' }));
  if (spec.searchFolders) {
    for (const { dir, source } of searchFolders(ctx)) {
      for (const file of matchingFiles(dir, spec.stem)) out.push({ kind: 'path', target: file, source });
    }
  }
  return out;
}

/** An opened library and where it came from. */
export interface LoadedLibrary {
  readonly lib: LibraryHandle;
  readonly path: string;
  readonly source: string;
}

type Loader = (path: string) => LibraryHandle;

// Loaded libraries stay referenced for the life of the process (unloading CUDA libraries while
// handles exist crashes).
const keepAlive: LibraryHandle[] = [];

/**
 * Opens the first candidate that loads. When loading by path, the companion library of the same
 * folder is opened first (Debian's libnvrtc cannot find libnvrtc-builtins otherwise).
 */
export function openLibrary(spec: LibrarySpec, ctx: SearchContext = processSearchContext(), load: Loader = (p) => koffi.load(p)): LoadedLibrary {
  const tried: string[] = [];
  for (const c of candidates(spec, ctx)) {
    try {
      if (c.kind !== 'soname' && spec.companionStem) {
        const companion = matchingFiles(dirname(c.target), spec.companionStem)[0];
        if (companion) keepAlive.push(load(companion));
      }
      const lib = load(c.target);
      keepAlive.push(lib);
      return { lib, path: c.target, source: c.source };
    } catch (e) {
      const why = e instanceof Error ? e.message.replace(/^Failed to load shared library: /, '') : String(e);
      tried.push(`${c.target} [${c.source}]: ${why}`);
    }
  }
  const where = tried.length ? tried.join('; ') : '(no candidate)';
  const searched = spec.searchFolders ? ' Also searched CUDA_HOME, CUDA_PATH, /usr/local/cuda/lib64 and nvidia/*/lib of python site-packages.' : '';
  throw new CudaError(
    { library: 'loader', call: 'dlopen', status: 0, statusName: 'LIBRARY_NOT_FOUND' },
    `${spec.label} not found. Tried: ${where}.${searched} Install ${spec.install}, or set ${spec.envVar} to the library's path.`,
  );
}
