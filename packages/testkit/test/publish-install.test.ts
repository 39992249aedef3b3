// The proof that a user can `npm i @llmkit/...` (issue 15): scripts/publish-local.mjs publishes
// every public package to a throwaway local registry after `changeset version` and installs and runs
// each project of examples/ from it, outside the repository. Also that examples/ stay user projects.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const examples = readdirSync(join(root, 'examples')).filter((d) => existsSync(join(root, 'examples', d, 'package.json')));
const publicNames = new Set(
  readdirSync(join(root, 'packages'))
    .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
    .map((d) => readJson(join(root, 'packages', d, 'package.json')))
    .filter((p) => !p.private)
    .map((p) => p.name as string),
);

describe('examples/ are user projects', () => {
  it('there are examples, and neither npm workspaces nor vitest projects include them', async () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    const workspaces: string[] = readJson(join(root, 'package.json')).workspaces;
    expect(workspaces.filter((w) => w.startsWith('examples'))).toEqual([]);
    const { default: config } = await import(join(root, 'vitest.config.ts'));
    expect(config.test.projects.filter((p: string) => p.startsWith('examples'))).toEqual([]);
  });

  for (const name of examples) {
    it(`examples/${name}: private, depends on published @llmkit names by semver range, has a README and an npm test script`, () => {
      const pkg = readJson(join(root, 'examples', name, 'package.json'));
      expect(pkg.private).toBe(true);
      expect(pkg.scripts?.test, 'scripts.test (tiny settings)').toBeTruthy();
      const llmkit = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>).filter(([d]) => d.startsWith('@llmkit/'));
      expect(llmkit.length).toBeGreaterThan(0);
      for (const [dep, range] of llmkit) {
        expect(publicNames.has(dep), `${dep} is a public package`).toBe(true);
        expect(range, `${dep}: a registry range, not a link`).toMatch(/^\^?\d+\.\d+\.\d+$/);
      }
      expect(existsSync(join(root, 'examples', name, 'README.md'))).toBe(true);
    });
  }
});

const enabled = Boolean(process.env.CI) || process.env.LLMKIT_PUBLISH_TEST === '1';
if (!enabled) console.log('publish-install: skipped (runs in CI, where CI is set, or with LLMKIT_PUBLISH_TEST=1; takes minutes and the network)');

describe('publish to a local registry, install the examples from it, run them', () => {
  it.skipIf(!enabled)(
    'node scripts/publish-local.mjs: changeset version, verdaccio, npm publish, npm install + npm test of every example, require(esm)',
    async () => {
      const child = spawn(process.execPath, [join(root, 'scripts/publish-local.mjs')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      console.log(output.split('\n').filter((l) => l.startsWith('[publish-local')).join('\n'));
      expect(code, output.slice(-6000)).toBe(0);
      for (const name of examples) {
        expect(output).toContain(`examples/${name}: installed from http://127.0.0.1:`);
        expect(output).toContain(`examples/${name}: ran`);
      }
      expect(output).toMatch(/require\(\) works for [^\n]*@llmkit\/trainer/);
      // The PyTorch hand-over runs where its copy finds a Python with torch, else says why in one line.
      expect(output).toMatch(/pytorch-handover \| pytorch-handover: (skipped: no Python with torch|passed \(both hand-overs within)/);
      expect(output).toContain('verdaccio stopped');
    },
    20 * 60_000,
  );
});
