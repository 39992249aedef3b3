// Every kernel family compiles with NVRTC for each shipped architecture (sm_70, sm_80, sm_90), and
// ptxas (-Xptxas=-v) reports for every entry function: no register spills, static shared memory
// within the 48 KiB every architecture allows. Also: the shipped dist/kernels matches the sources.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Nvrtc } from '../src/ffi/nvrtc.js';
import { LIBNVRTC } from '../src/ffi/discovery.js';
import { HEADER, SHIPPED_ARCHS, STATIC_SHARED_LIMIT, compileKey, nvrtcOptions, readKernelSources } from '../src/kernels/catalog.js';
import { parsePtxasLog, ptxEntryPoints } from '../src/kernels/ptxas.js';
import type { KernelManifest } from '../src/kernels/images.js';
import { describeWithLibrary } from './cuda-libs.js';

const kernelsDir = fileURLToPath(new URL('../kernels', import.meta.url));
const distKernels = fileURLToPath(new URL('../dist/kernels', import.meta.url));
const sources = readKernelSources(kernelsDir);

describeWithLibrary(LIBNVRTC, 'kernels compile for every shipped architecture', () => {
  const nvrtc = Nvrtc.open();
  const compile = (name: string, source: string, options: string[]) => nvrtc.compile({ name, source, headers: { [HEADER]: sources.header } }, options);

  it('the families the backend needs are all there', () => {
    expect(sources.families.map((f) => f.name)).toEqual(
      expect.arrayContaining(['adamw', 'attention', 'copy', 'elementwise-binary', 'elementwise-unary', 'gather', 'gelu', 'layer-norm', 'reduce', 'rms-norm', 'softmax', 'softmax-cross-entropy']),
    );
  });

  for (const family of sources.families) {
    for (const arch of SHIPPED_ARCHS) {
      it(`${family.name}.cu on sm_${arch}: every entry compiled, no spills, shared memory <= 48 KiB`, () => {
        const out = compile(`${family.name}.cu`, family.source, nvrtcOptions(`sm_${arch}`, true));
        const entries = ptxEntryPoints(out.ptx);
        expect(entries.length).toBeGreaterThan(0);
        const stats = parsePtxasLog(out.log);
        expect(stats.map((s) => s.name).sort()).toEqual([...entries].sort());
        for (const s of stats) {
          expect(s.arch).toBe(`sm_${arch}`);
          expect({ fn: s.name, spills: s.spillStoreBytes + s.spillLoadBytes }).toEqual({ fn: s.name, spills: 0 });
          expect(s.sharedBytes, s.name).toBeLessThanOrEqual(STATIC_SHARED_LIMIT);
          expect(s.registers, s.name).toBeLessThanOrEqual(255);
        }
      });
    }
  }

  it('the check can fail: 64 KiB of static shared memory is a compile error on sm_90, as on the device', () => {
    const src = 'extern "C" __global__ void big(float* x) { __shared__ float s[16384]; s[threadIdx.x] = x[threadIdx.x]; __syncthreads(); x[threadIdx.x] = s[(threadIdx.x + 1) % 16384]; }';
    expect(() => compile('big.cu', src, nvrtcOptions('sm_90', true))).toThrow(/NVRTC_ERROR_COMPILATION|ptxas|shared/i);
  });

  it('the check can fail: a forced register limit shows up as spills in the parsed statistics', () => {
    // (ptxas raises 16 to its floor of 24 registers for sm_80, which still spills this kernel.)
    const norm = sources.families.find((f) => f.name === 'layer-norm')!;
    const out = compile('layer-norm.cu', norm.source, [...nvrtcOptions('sm_80', true), '--maxrregcount=16']);
    const spilled = parsePtxasLog(out.log).filter((s) => s.spillStoreBytes + s.spillLoadBytes > 0);
    expect(spilled.map((s) => s.name)).toContain('layer_norm_backward_params');
  });
});

describe('shipped kernels (dist/kernels, built by scripts/build-kernels.mjs)', () => {
  const manifestFile = `${distKernels}/manifest.json`;
  it('the build shipped PTX and a cubin per architecture for every family, from the current sources', () => {
    expect(existsSync(manifestFile), 'run `npx turbo run build --filter=@llmkit/backend-cuda` (NVRTC needed)').toBe(true);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as KernelManifest;
    if (manifest.nvrtc === 'none' && !process.env.CI) {
      console.warn('[backend-cuda] dist/kernels was built without NVRTC: sources only');
      return;
    }
    expect(manifest.cubinArchs).toEqual([...SHIPPED_ARCHS]);
    for (const family of sources.families) {
      const entry = manifest.families[family.name];
      expect(entry, family.name).toBeDefined();
      // A stale build (sources edited after the last build) has a different key.
      expect(entry!.key, `${family.name}: dist/kernels is stale; rebuild`).toBe(compileKey(family, sources.header, nvrtcOptions(manifest.ptxTarget), manifest.nvrtc));
      const ptx = readFileSync(`${distKernels}/${family.name}.${manifest.ptxTarget}.ptx`, 'utf8');
      expect(ptxEntryPoints(ptx)).toEqual(entry!.entries);
      for (const arch of SHIPPED_ARCHS) {
        const cubin = readFileSync(`${distKernels}/${family.name}.sm_${arch}.cubin`);
        expect([...cubin.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
      }
    }
  });
});
