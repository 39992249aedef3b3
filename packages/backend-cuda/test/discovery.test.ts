// Library discovery on temporary folders: order of the search, the override, python wheels, the
// NVRTC builtins loaded first, and the message when nothing is found.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LibraryHandle } from 'koffi';
import { BackendError } from '@llmkit/core';
import { CudaError } from '../src/errors.js';
import { LIBCUBLAS, LIBCUBLASLT, LIBCUDA, LIBNVRTC, candidates, openLibrary, pythonSitePackages, type SearchContext } from '../src/ffi/discovery.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'llmkit-cuda-discovery-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function touch(...parts: string[]): string {
  const file = join(root, ...parts);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, '');
  return file;
}

function ctx(env: Record<string, string> = {}): SearchContext {
  return { env: { PATH: '', ...env }, cwd: join(root, 'project'), home: join(root, 'home') };
}

/** A loader that "loads" only the given paths and records every attempt. */
function fakeLoader(loadable: string[]) {
  const attempts: string[] = [];
  const load = (p: string): LibraryHandle => {
    attempts.push(p);
    if (!loadable.includes(p)) throw new Error(`Failed to load shared library: ${p}: cannot open shared object file`);
    return {} as LibraryHandle;
  };
  return { attempts, load };
}

describe('candidates', () => {
  it('tries sonames newest first, then CUDA_HOME, CUDA_PATH, /usr/local/cuda, then python wheels', () => {
    const home12 = touch('cuda-home', 'lib64', 'libcublas.so.12');
    const home11 = touch('cuda-home', 'lib64', 'libcublas.so.11');
    const cudaPath = touch('cuda-path', 'lib64', 'libcublas.so.13');
    touch('cuda-home', 'lib64', 'libcublasLt.so.12'); // another library with the same prefix: not a candidate
    touch('py', 'bin', 'python3');
    const wheel = touch('py', 'lib', 'python3.11', 'site-packages', 'nvidia', 'cublas', 'lib', 'libcublas.so.12');
    const c = candidates(LIBCUBLAS, ctx({ CUDA_HOME: join(root, 'cuda-home'), CUDA_PATH: join(root, 'cuda-path'), PATH: join(root, 'py', 'bin') }));
    const targets = c.map((x) => x.target);
    expect(targets.slice(0, 3)).toEqual(['libcublas.so.13', 'libcublas.so.12', 'libcublas.so.11']);
    const files = c.filter((x) => x.kind === 'path');
    // /usr/local/cuda/lib64 may exist on a developer machine: keep only the temporary folders.
    expect(files.map((x) => x.target).filter((t) => t.startsWith(root))).toEqual([home12, home11, cudaPath, wheel]);
    expect(files.find((x) => x.target === wheel)?.source).toMatch(/^python wheel/);
  });

  it('cuBLASLt: its own sonames, the same folders (the wheel keeps it beside cuBLAS), not libcublas itself', () => {
    touch('cuda-home', 'lib64', 'libcublas.so.12');
    const lt = touch('cuda-home', 'lib64', 'libcublasLt.so.12');
    touch('py', 'bin', 'python3');
    const wheel = touch('py', 'lib', 'python3.11', 'site-packages', 'nvidia', 'cublas', 'lib', 'libcublasLt.so.12');
    const c = candidates(LIBCUBLASLT, ctx({ CUDA_HOME: join(root, 'cuda-home'), PATH: join(root, 'py', 'bin') }));
    expect(c.slice(0, 3).map((x) => x.target)).toEqual(['libcublasLt.so.13', 'libcublasLt.so.12', 'libcublasLt.so.11']);
    expect(c.filter((x) => x.kind === 'path' && x.target.startsWith(root)).map((x) => x.target)).toEqual([lt, wheel]);
    expect(candidates(LIBCUBLASLT, ctx({ LLMKIT_CUBLASLT: '/opt/lt.so' }))).toEqual([{ kind: 'env', target: '/opt/lt.so', source: 'LLMKIT_CUBLASLT' }]);
  });

  it('an override replaces the whole search', () => {
    touch('cuda-home', 'lib64', 'libcublas.so.12');
    const c = candidates(LIBCUBLAS, ctx({ LLMKIT_CUBLAS: '/opt/x/libcublas.so.12', CUDA_HOME: join(root, 'cuda-home') }));
    expect(c).toEqual([{ kind: 'env', target: '/opt/x/libcublas.so.12', source: 'LLMKIT_CUBLAS' }]);
  });

  it('the driver is never searched in toolkit folders (their libcuda.so is a stub)', () => {
    touch('cuda-home', 'lib64', 'libcuda.so.1');
    const c = candidates(LIBCUDA, ctx({ CUDA_HOME: join(root, 'cuda-home') }));
    expect(c.every((x) => x.kind === 'soname')).toBe(true);
  });

  it('finds the site-packages of .venv in the working directory and of the python3 on PATH', () => {
    const venv = join(root, 'project', '.venv', 'lib', 'python3.12', 'site-packages');
    touch('project', '.venv', 'lib', 'python3.12', 'site-packages', 'nvidia', 'cuda_nvrtc', 'lib', 'libnvrtc.so.12');
    touch('usr', 'bin', 'python3');
    const sys = join(root, 'usr', 'local', 'lib', 'python3.11', 'dist-packages');
    mkdirSync(sys, { recursive: true });
    const sites = pythonSitePackages(ctx({ PATH: join(root, 'usr', 'bin') }));
    expect(sites).toContain(venv);
    expect(sites).toContain(sys);
  });
});

describe('openLibrary', () => {
  it('loads libnvrtc-builtins of the same folder before libnvrtc when loading by path', () => {
    const builtins = touch('cuda', 'lib64', 'libnvrtc-builtins.so.12.4');
    const nvrtc = touch('cuda', 'lib64', 'libnvrtc.so.12');
    const { attempts, load } = fakeLoader([builtins, nvrtc]);
    const found = openLibrary(LIBNVRTC, ctx({ CUDA_HOME: join(root, 'cuda') }), load);
    expect(found.path).toBe(nvrtc);
    expect(found.source).toBe('CUDA_HOME');
    expect(attempts.slice(-2)).toEqual([builtins, nvrtc]);
    expect(attempts.filter((a) => a.startsWith('libnvrtc.so'))).toEqual(['libnvrtc.so.13', 'libnvrtc.so.12', 'libnvrtc.so.11.2']);
  });

  it('nothing found: a CudaError (a BackendError) listing every place tried, what to install and the override', () => {
    touch('cuda', 'lib64', 'libcublas.so.12');
    const { load } = fakeLoader([]);
    let error: unknown;
    try {
      openLibrary(LIBCUBLAS, ctx({ CUDA_HOME: join(root, 'cuda') }), load);
    } catch (e) {
      error = e;
    }
    expect(CudaError.isInstance(error)).toBe(true);
    expect(BackendError.isInstance(error)).toBe(true);
    const e = error as CudaError;
    expect(e.statusName).toBe('LIBRARY_NOT_FOUND');
    expect(e.message).toMatch(/^cuBLAS not found\. Tried: libcublas\.so\.13 \[dynamic linker\]: .*cannot open/);
    expect(e.message).toContain(`${join(root, 'cuda', 'lib64', 'libcublas.so.12')} [CUDA_HOME]`);
    expect(e.message).toMatch(/Install cuBLAS: pip install nvidia-cublas-cu12/);
    expect(e.message).toMatch(/set LLMKIT_CUBLAS to the library's path/);
  });

  it('cuBLASLt missing: the same typed error, naming its sonames, libcublaslt11 and LLMKIT_CUBLASLT', () => {
    const { load } = fakeLoader([]);
    expect(() => openLibrary(LIBCUBLASLT, ctx({}), load)).toThrow(
      /^cuBLASLt not found\. Tried: libcublasLt\.so\.13 \[dynamic linker\].*libcublasLt\.so\.11 \[dynamic linker\].*apt-get install libcublaslt11.*set LLMKIT_CUBLASLT to the library's path\.$/,
    );
  });

  it('a bad override fails without falling back to the search', () => {
    const { attempts, load } = fakeLoader(['libcuda.so.1']);
    expect(() => openLibrary(LIBCUDA, ctx({ LLMKIT_CUDA_LIBCUDA: '/nonexistent/libcuda.so.1' }), load)).toThrow(
      /CUDA driver \(libcuda\) not found\. Tried: \/nonexistent\/libcuda\.so\.1 \[LLMKIT_CUDA_LIBCUDA\]/,
    );
    expect(attempts).toEqual(['/nonexistent/libcuda.so.1']);
  });
});
