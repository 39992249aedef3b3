// @llmkit/testkit is published for third-party backends (issue 11, item 10): its tarball holds
// the built entry with types and the fixtures the suite reads, and llmkit's own backends use it
// through the package entry, as a third party would.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingKernels, opCases } from '@llmkit/testkit';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pkgDir = join(root, 'packages/testkit');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

describe('@llmkit/testkit as a published package', () => {
  it('is public, and its exports point at the build (types first)', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' });
    for (const peer of ['@llmkit/core', '@tensorflow/tfjs-core', 'vitest', 'fast-check']) expect(pkg.peerDependencies[peer], peer).toBeDefined();
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('the tarball holds dist with types, the README and every fixture the suite reads, and nothing else', () => {
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkgDir, encoding: 'utf8' });
    expect(packed.status, packed.stderr).toBe(0);
    const files: string[] = JSON.parse(packed.stdout)[0].files.map((f: { path: string }) => f.path);
    const fixtures = [...opCases.map((c) => c.fixture), 'adamw'].map((name) => `fixtures/ops/${name}.json`);
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'README.md', 'package.json', ...fixtures]));
    expect(files.filter((f) => /^(src|test|bench|examples)\/|\.py$|\.sh$/.test(f))).toEqual([]);
  });

  it("llmkit's packages import the suite through '@llmkit/testkit', never its sources", () => {
    const offenders: string[] = [];
    for (const name of readdirSync(join(root, 'packages'))) {
      const testDir = join(root, 'packages', name, 'test');
      if (name === 'testkit' || !existsSync(testDir)) continue;
      const walk = (dir: string): void => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, e.name);
          if (e.isDirectory()) walk(path);
          else if (/\.(ts|mjs|js)$/.test(e.name) && /(from\s*|import\(\s*)['"][^'"]*testkit\/src\//.test(readFileSync(path, 'utf8'))) offenders.push(path.slice(root.length));
        }
      };
      walk(testDir);
    }
    expect(offenders).toEqual([]);
  });
});

describe('missingKernels', () => {
  it("lists recorded tfjs kernels the backend lacks, sorted, and skips llmkit's composite kernels", () => {
    expect(missingKernels(['NoSuchKernelB', 'Add', 'LlmkitGelu', 'NoSuchKernelA', 'NoSuchKernelB'], 'no-such-backend')).toEqual([
      'Add',
      'NoSuchKernelA',
      'NoSuchKernelB',
    ]);
  });
});
