// A default backend, in fresh processes that never call useBackend: the trainer's first step
// activates one and says which once; with no backend at all the model's first parameter is
// llmkit's BackendError naming the fix (not tfjs's "No backend found in registry").
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from './node-bundle.js';

let childFile = '';

beforeAll(async () => {
  childFile = await bundleForNode(fileURLToPath(new URL('./first-use-backend-child.ts', import.meta.url)), 'first-use-child');
});
afterAll(() => rmSync(childFile, { force: true }));

/** The child's stdout and stderr together. */
function child(mode: string): string {
  return execFileSync(process.execPath, [childFile, mode], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const announcement = /@llmkit\/trainer: no backend chosen with useBackend\(\); training on '(\w+)'/g;

describe('the trainer picks a backend on first use (fresh process, no useBackend)', () => {
  it("@llmkit/backend-cpu imported, model built on tfjs's cpu: the first step activates llmkit's cpu and says so once", () => {
    const out = child('llmkit-cpu');
    expect(out).toContain("model built on tfjs 'cpu'");
    expect([...out.matchAll(announcement)].map((m) => m[1])).toEqual(['cpu']);
    expect(out).toContain("trained on 'cpu', tfjs 'cpu': losses finite true");
  });

  it("only tfjs's cpu backend (no llmkit backend over it): the best available, the trainer's wasm, is activated and the weights move to it", () => {
    const out = child('tfjs-cpu');
    expect([...out.matchAll(announcement)].map((m) => m[1])).toEqual(['wasm']);
    expect(out).toContain("trained on 'wasm', tfjs 'wasm': losses finite true");
  });

  it("no backend at all: building the model is llmkit's BackendError naming useBackend and the package", () => {
    const out = child('none');
    expect(out).toMatch(/^model: BackendError: initializing parameters: no backend is active \(none is installed or imported\); call `await useBackend\(\)` from '@llmkit\/core' first/);
    expect(out).toContain('npm i @llmkit/backend-wasm');
    expect(out).not.toMatch(/No backend found|not yet been initialized/);
  });
});
