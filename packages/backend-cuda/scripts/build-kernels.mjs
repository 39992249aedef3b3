// Build step after tsup: compiles every kernels/*.cu with NVRTC into PTX (compute_70, which the
// driver JITs for any newer GPU) and cubins for sm_70/sm_80/sm_90, into dist/kernels/ with the
// sources and a manifest.json. Fails on a register spill or static shared memory past 48 KiB.
// Without NVRTC: fails in CI; elsewhere ships sources only (the run time compiles them when it
// finds NVRTC) and says so.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Nvrtc, readKernelSources, nvrtcOptions, compileKey, parsePtxasLog, ptxEntryPoints, SHIPPED_ARCHS, STATIC_SHARED_LIMIT, KERNEL_HEADER } from '../dist/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'kernels');
const out = join(root, 'dist', 'kernels');
mkdirSync(out, { recursive: true });
const sources = readKernelSources(src);
copyFileSync(join(src, KERNEL_HEADER), join(out, KERNEL_HEADER));
for (const f of sources.families) copyFileSync(join(src, `${f.name}.cu`), join(out, `${f.name}.cu`));

let nvrtc;
try {
  nvrtc = Nvrtc.open();
} catch (e) {
  if (process.env.CI) throw e;
  console.warn(`build-kernels: ${e.message}\nbuild-kernels: shipping kernel sources only (no PTX, no cubins).`);
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ nvrtc: 'none', ptxTarget: 'none', cubinArchs: [], families: {} }, null, 2));
  process.exit(0);
}
const v = nvrtc.version();
const version = `${v.major}.${v.minor}`;
const ptxTarget = `compute_${SHIPPED_ARCHS[0]}`;
const manifest = { nvrtc: version, ptxTarget, cubinArchs: [...SHIPPED_ARCHS], families: {} };
const problems = [];
const t0 = Date.now();
let bytes = 0;
for (const family of sources.families) {
  const input = { name: `${family.name}.cu`, source: family.source, headers: { [KERNEL_HEADER]: sources.header } };
  const ptx = nvrtc.compile(input, nvrtcOptions(ptxTarget)).ptx;
  writeFileSync(join(out, `${family.name}.${ptxTarget}.ptx`), ptx + '\0');
  bytes += ptx.length;
  for (const arch of SHIPPED_ARCHS) {
    const r = nvrtc.compile(input, nvrtcOptions(`sm_${arch}`, true));
    writeFileSync(join(out, `${family.name}.sm_${arch}.cubin`), r.cubin);
    bytes += r.cubin.length;
    for (const s of parsePtxasLog(r.log)) {
      if (s.spillStoreBytes || s.spillLoadBytes) problems.push(`${family.name}.cu ${s.name} sm_${arch}: ${s.spillStoreBytes} B spill stores, ${s.spillLoadBytes} B spill loads`);
      if (s.sharedBytes > STATIC_SHARED_LIMIT) problems.push(`${family.name}.cu ${s.name} sm_${arch}: ${s.sharedBytes} B shared memory > ${STATIC_SHARED_LIMIT}`);
    }
  }
  manifest.families[family.name] = { key: compileKey(family, sources.header, nvrtcOptions(ptxTarget), version), entries: ptxEntryPoints(ptx) };
}
if (problems.length) throw new Error(`build-kernels: ${problems.length} problem(s):\n${problems.join('\n')}`);
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
const entries = Object.values(manifest.families).reduce((n, f) => n + f.entries.length, 0);
console.log(`build-kernels: ${sources.families.length} families, ${entries} kernels, PTX ${ptxTarget} + cubins sm_${SHIPPED_ARCHS.join('/sm_')} with NVRTC ${version} (${nvrtc.path}), ${(bytes / 1e6).toFixed(2)} MB, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
