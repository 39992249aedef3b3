// What every public @llmkit package ships (issue 15, "Publishing, proven"): complete npm metadata,
// an exports map with types first, and a tarball (`npm pack --dry-run`) of built code and types only.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  description?: string;
  license?: string;
  repository?: { type?: string; url?: string; directory?: string };
  exports?: Record<string, string | Record<string, string>>;
  files?: string[];
  sideEffects?: boolean | string[];
  engines?: { node?: string };
}

const publicPackages = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest }))
  .filter(({ pkg }) => !pkg.private);

/** Paths a tarball may hold beyond dist/: testkit's suite reads its op fixtures at run time. */
const shippedData: Record<string, RegExp> = { '@llmkit/testkit': /^fixtures\/(ops\/[\w-]+\.json|README\.md)$/ };

/** Why `path` must not be in `name`'s tarball, or null when it may be. */
function unwantedInTarball(name: string, path: string): string | null {
  if (/\.map$/.test(path)) return 'source map';
  if (/(^|\/)(test|tests|__tests__)\/|\.(test|spec)\.[cm]?[jt]sx?$/.test(path)) return 'test file';
  if (/(^|\/)fixtures?\//.test(path) && !shippedData[name]?.test(path)) return 'fixture';
  if (/^(src|bench|examples|scripts)\//.test(path)) return 'source, bench or example';
  if (/\.(py|sh)$|(^|\/)(tsconfig[\w.]*\.json|tsup\.config\.ts|vitest\.config\.ts)$/.test(path)) return 'build or tooling file';
  if (/\.ts$/.test(path) && !/\.d\.ts$/.test(path)) return 'TypeScript source';
  return null;
}

describe('public packages: metadata', () => {
  it('there are public packages, and apps are private', () => {
    expect(publicPackages.length).toBeGreaterThan(5);
    for (const dir of readdirSync(join(root, 'apps'))) {
      const path = join(root, 'apps', dir, 'package.json');
      if (existsSync(path)) expect(JSON.parse(readFileSync(path, 'utf8')).private, path).toBe(true);
    }
  });

  const repoUrls = new Set(publicPackages.map(({ pkg }) => pkg.repository?.url));
  it('all name one repository', () => expect([...repoUrls]).toHaveLength(1));

  for (const { dir, pkg } of publicPackages) {
    it(`${pkg.name}: name, version, description, license, repository with directory, engines, files, sideEffects`, () => {
      expect(pkg.name).toBe(`@llmkit/${dir}`);
      expect(pkg.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
      expect(pkg.description?.length ?? 0, 'description').toBeGreaterThan(20);
      expect(pkg.license).toBe('Apache-2.0');
      expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/.+\.git$/), directory: `packages/${dir}` });
      expect(pkg.engines?.node, 'engines.node').toMatch(/^>=\d+/);
      expect(pkg.files, 'files').toContain('dist');
      expect(pkg.files, 'files keeps source maps out').toContain('!dist/**/*.map');
      expect(pkg.sideEffects === false || (Array.isArray(pkg.sideEffects) && pkg.sideEffects.length > 0), 'sideEffects').toBe(true);
    });

    it(`${pkg.name}: every export lists types first and has a condition require(esm) takes`, () => {
      expect(pkg.exports?.['.'], 'exports["."]').toBeDefined();
      for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
        if (typeof target === 'string') continue; // "./package.json"
        expect(Object.keys(target)[0], `exports["${sub}"]`).toBe('types');
        expect(target.types, `exports["${sub}"].types`).toMatch(/\.d\.ts$/);
        // Node's require() matches "require" or "default", never "import": without one, CommonJS users
        // get ERR_PACKAGE_PATH_NOT_EXPORTED.
        expect(target.default ?? target.require, `exports["${sub}"].default`).toBe(target.import);
      }
    });

    it(`${pkg.name}: README with a short code example`, () => {
      const readme = join(root, 'packages', dir, 'README.md');
      expect(existsSync(readme), readme).toBe(true);
      expect(readFileSync(readme, 'utf8')).toMatch(/```(ts|typescript|js|mjs|javascript)\n[\s\S]*?(import|require)[\s\S]*?```/);
    });
  }
});

describe('public packages: tarballs (npm pack --dry-run)', () => {
  it('the filter knows what not to ship', () => {
    expect(unwantedInTarball('@llmkit/core', 'dist/index.js.map')).toBe('source map');
    expect(unwantedInTarball('@llmkit/core', 'test/ops.test.ts')).toBe('test file');
    expect(unwantedInTarball('@llmkit/core', 'dist/ops.test.js')).toBe('test file');
    expect(unwantedInTarball('@llmkit/core', 'fixtures/ops/gelu.json')).toBe('fixture');
    expect(unwantedInTarball('@llmkit/testkit', 'fixtures/ops/gelu.json')).toBeNull();
    expect(unwantedInTarball('@llmkit/testkit', 'fixtures/models/gpt2-tiny/model.safetensors')).toBe('fixture');
    expect(unwantedInTarball('@llmkit/core', 'src/index.ts')).toBe('source, bench or example');
    expect(unwantedInTarball('@llmkit/core', 'dist/index.d.ts')).toBeNull();
    expect(unwantedInTarball('@llmkit/backend-cuda', 'dist/kernels/adamw.cu')).toBeNull();
  });

  const sizes: string[] = [];
  for (const { dir, pkg } of publicPackages) {
    it(`${pkg.name}: ships dist/index.js and dist/index.d.ts, and no tests, fixtures, sources or source maps`, () => {
      const cwd = join(root, 'packages', dir);
      expect(existsSync(join(cwd, 'dist/index.d.ts')), `${pkg.name}: dist/index.d.ts (build it first)`).toBe(true);
      const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd, encoding: 'utf8' });
      expect(packed.status, packed.stderr).toBe(0);
      const info = JSON.parse(packed.stdout)[0] as { size: number; unpackedSize: number; files: { path: string }[] };
      const files = info.files.map((f) => f.path);
      expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']));
      const unwanted = files.map((f) => [f, unwantedInTarball(pkg.name, f)]).filter(([, why]) => why !== null);
      expect(unwanted, `${pkg.name}: fix "files" in its package.json`).toEqual([]);
      sizes.push(`${pkg.name.padEnd(24)} ${(info.size / 1024).toFixed(1).padStart(8)} KiB packed ${(info.unpackedSize / 1024).toFixed(1).padStart(9)} KiB unpacked ${String(files.length).padStart(4)} files`);
      if (sizes.length === publicPackages.length) console.log(`npm pack --dry-run sizes:\n${sizes.sort().join('\n')}`);
    });
  }
});
