// Two versions of @tensorflow/tfjs-core would mean two engines, two kernel registries and tensors
// one backend cannot read. Every workspace package pins the same version, and the lockfile
// installs exactly one copy of each @tensorflow package.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

function workspaceManifests(): { path: string; json: Record<string, Record<string, string> | undefined> }[] {
  return ['packages', 'apps']
    .filter((dir) => existsSync(`${root}${dir}`))
    .flatMap((dir) => readdirSync(`${root}${dir}`).map((name) => `${root}${dir}/${name}/package.json`))
    .filter((path) => existsSync(path))
    .map((path) => ({ path, json: readJson(path) }));
}

describe('one TensorFlow.js version', () => {
  const expected: string = readJson(`${root}packages/core/package.json`).peerDependencies['@tensorflow/tfjs-core'];

  it('core pins an exact tfjs-core version', () => {
    expect(expected).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('every workspace package names that exact version for every @tensorflow package', () => {
    const wrong: string[] = [];
    for (const { path, json } of workspaceManifests()) {
      for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const [dep, range] of Object.entries(json[field] ?? {})) {
          // tfjs-node(-gpu) cannot be installed anywhere any more (tensorflow/tfjs#8742); they stay optional peers.
          if (dep.startsWith('@tensorflow/') && range !== expected && !/tfjs-node/.test(dep)) wrong.push(`${path}: ${field}.${dep} = ${range}`);
        }
      }
    }
    expect(wrong, `expected ${expected} everywhere`).toEqual([]);
  });

  it('the lockfile installs one copy of each @tensorflow package, all at that version', () => {
    const lock = readJson(`${root}package-lock.json`);
    const copies: Record<string, string[]> = {};
    for (const [path, entry] of Object.entries(lock.packages as Record<string, { version?: string }>)) {
      const m = /node_modules\/(@tensorflow\/[^/]+)$/.exec(path);
      if (m) (copies[m[1]!] ??= []).push(`${path}@${entry.version}`);
    }
    expect(Object.keys(copies)).toContain('@tensorflow/tfjs-core');
    for (const [name, list] of Object.entries(copies)) {
      expect(list, name).toEqual([`node_modules/${name}@${expected}`]);
    }
  });
});

describe('lockfile', () => {
  it('lists every optional platform package, so `npm ci` accepts it (see scripts/complete-lockfile.mjs)', () => {
    const lock = readJson(`${root}package-lock.json`);
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages as Record<string, { optionalDependencies?: Record<string, string> }>)) {
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
        if (/^(@rollup|@turbo|@esbuild)\//.test(dep) && !lock.packages[`node_modules/${dep}`]) missing.push(`${dep} (optional dependency of ${path})`);
      }
    }
    expect(missing, 'run `node scripts/complete-lockfile.mjs`').toEqual([]);
  });
});
