// Choosing the image a device loads (shipped cubin, NVRTC compile, shipped PTX) and the disk cache
// of run-time compiles, keyed by source, options, NVRTC version and architecture.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseImage, compileCached, defaultCacheDir, type KernelManifest } from '../src/kernels/images.js';
import { Nvrtc } from '../src/ffi/nvrtc.js';
import { LIBNVRTC } from '../src/ffi/discovery.js';
import { CudaError } from '../src/errors.js';
import { describeWithLibrary } from './cuda-libs.js';

const manifest: KernelManifest = { nvrtc: '11.8', ptxTarget: 'compute_70', cubinArchs: [70, 80, 90], families: { softmax: { key: 'k', entries: ['softmax_forward'] } } };

describe('chooseImage', () => {
  it('a shipped cubin for the exact architecture wins', () => {
    expect(chooseImage(manifest, 'softmax', 80, [80, 86])).toEqual({ kind: 'cubin', arch: 80, file: 'softmax.sm_80.cubin' });
    expect(chooseImage(manifest, 'softmax', 90, [])).toEqual({ kind: 'cubin', arch: 90, file: 'softmax.sm_90.cubin' });
  });
  it('sm_86: NVRTC compiles an exact cubin when it can, else the sm_80 cubin runs (same major, lower minor)', () => {
    expect(chooseImage(manifest, 'softmax', 86, [80, 86])).toEqual({ kind: 'nvrtc', arch: 86 });
    expect(chooseImage(manifest, 'softmax', 86, [])).toEqual({ kind: 'cubin', arch: 80, file: 'softmax.sm_80.cubin' });
  });
  it('a newer major than any cubin (sm_120) without a capable NVRTC: the PTX, for the driver to JIT', () => {
    expect(chooseImage(manifest, 'softmax', 120, [70, 80, 90])).toEqual({ kind: 'ptx', file: 'softmax.compute_70.ptx' });
  });
  it('sm_75 runs the sm_70 cubin (binary compatible within a major version)', () => {
    expect(chooseImage(manifest, 'softmax', 75, [])).toEqual({ kind: 'cubin', arch: 70, file: 'softmax.sm_70.cubin' });
  });
  it('older than Volta or an unknown family: a typed error saying why', () => {
    expect(() => chooseImage(manifest, 'softmax', 61, [61])).toThrow(/sm_61; .* need sm_70 or newer/);
    try {
      chooseImage(manifest, 'nope', 80, []);
      expect.unreachable();
    } catch (e) {
      expect(CudaError.isInstance(e)).toBe(true);
      expect((e as Error).message).toMatch(/no kernel family 'nope' .*has softmax/);
    }
  });
  it('the cache folder follows LLMKIT_CUDA_CACHE, then XDG_CACHE_HOME', () => {
    expect(defaultCacheDir({ LLMKIT_CUDA_CACHE: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/llmkit/cuda');
  });
});

describeWithLibrary(LIBNVRTC, 'compileCached (NVRTC)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'llmkit-cuda-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const family = { name: 'scale', source: '#include "llmkit.cuh"\nextern "C" __global__ void scale(float* x, int n) { FOR_EACH(i, n) x[i] *= 2.f; }' };
  const header = '#pragma once\n#define FOR_EACH(i, n) for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)\n';

  it('compiles once; the same source, options and architecture then come from the disk cache', () => {
    const nvrtc = Nvrtc.open();
    const first = compileCached(nvrtc, family, header, 86, dir);
    expect(first.cached).toBe(false);
    const second = compileCached(nvrtc, family, header, 86, dir);
    expect(second.cached).toBe(true);
    expect(Buffer.from(second.cubin).equals(Buffer.from(first.cubin))).toBe(true);
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('a changed source, header or architecture is a new entry', () => {
    const nvrtc = Nvrtc.open();
    compileCached(nvrtc, family, header, 86, dir);
    expect(compileCached(nvrtc, { ...family, source: family.source.replace('2.f', '3.f') }, header, 86, dir).cached).toBe(false);
    expect(compileCached(nvrtc, family, header + '// v2\n', 86, dir).cached).toBe(false);
    expect(compileCached(nvrtc, family, header, 80, dir).cached).toBe(false);
    expect(readdirSync(dir)).toHaveLength(4);
  });
});
