// The committed SIMD kernels (src/simd/kernels-wasm.generated.ts) are the build of csrc/ as it is:
// the source checksum recorded at build time must match csrc/ (everywhere), and where clang-16 and
// wasm-ld-16 exist a fresh build must be byte-identical (scripts/build-simd.mjs --check).
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { SOURCE_SHA256, KERNELS_WASM, KERNELS_WASM_SHARED } from '../src/simd/kernels-wasm.generated.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const csrc = join(pkg, 'csrc');

describe('committed SIMD kernels', () => {
  it('were built from csrc/ as it is (source checksum recorded at build)', () => {
    const h = createHash('sha256');
    for (const name of readdirSync(csrc).sort()) {
      h.update(`${name}\0`);
      h.update(readFileSync(join(csrc, name)));
      h.update('\0');
    }
    expect(h.digest('hex'), 'csrc/ changed: run node packages/backend-wasm/scripts/build-simd.mjs').toBe(SOURCE_SHA256);
  });

  it('import one memory (unshared / shared) and export every kernel', () => {
    for (const [b64, shared] of [[KERNELS_WASM, false], [KERNELS_WASM_SHARED, true]] as const) {
      const mod = new WebAssembly.Module(Buffer.from(b64, 'base64'));
      expect(WebAssembly.Module.imports(mod)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
      const names = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
      expect(names).toEqual(['adamw', 'gelu_erf', 'gelu_erf_grad', 'gelu_tanh', 'gelu_tanh_grad', 'layer_norm', 'layer_norm_grad', 'log_softmax', 'log_softmax_grad', 'log_sum_exp_rows', 'softmax_cross_entropy_grad', 'sum_rows']);
      const memory = new WebAssembly.Memory(shared ? { initial: 16, maximum: 65536, shared: true } : { initial: 16 });
      expect(() => new WebAssembly.Instance(mod, { env: { memory } })).not.toThrow();
    }
  });

  const haveClang = spawnSync('clang-16', ['--version']).status === 0 && existsSync('/usr/bin/wasm-ld-16');
  // Locally optional; in CI (.ci/run installs clang-16 and lld-16) a missing compiler fails the test.
  it.skipIf(!haveClang && !process.env.CI)('are byte-identical to a fresh build with clang-16 (skipped without clang-16 and lld-16, except in CI)', () => {
    expect(haveClang, 'clang-16 and /usr/bin/wasm-ld-16 (apt-get install clang-16 lld-16)').toBe(true);
    const out = execFileSync(process.execPath, [join(pkg, 'scripts', 'build-simd.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/matches a fresh build/);
  });
});
