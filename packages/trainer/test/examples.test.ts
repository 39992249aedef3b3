// The README's examples are files (examples/*.ts, included into the README and kept equal to it by
// scripts/readme-includes.mjs); this runs each one with tiny settings in a fresh Node process,
// against this package's src (the other packages' dist), and checks what it prints.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeText } from './data-helpers.js';
import { bundleForNode } from './node-bundle.js';
import { tempDir } from './trainer-helpers.js';

const SRC = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const tmp = tempDir('examples');
const bundles = new Map<string, string>();
afterAll(() => {
  tmp.remove();
  for (const b of bundles.values()) rmSync(b, { force: true });
});

/** Bundles examples/<name>.ts with '@llmkit/trainer' pointing at src; runs it in `cwd` with `args`. */
async function runExample(name: string, args: string[], cwd: string): Promise<string> {
  let outfile = bundles.get(name);
  if (outfile === undefined) {
    outfile = await bundleForNode(fileURLToPath(new URL(`../examples/${name}.ts`, import.meta.url)), `example-${name}`, {
      external: ['@llmkit/core', '@llmkit/layers', '@llmkit/objectives', '@llmkit/tokenizer', '@llmkit/backend-*', '@tensorflow/*', 'cli-progress', 'hyparquet'],
      plugins: [{ name: 'trainer-src', setup: (b) => b.onResolve({ filter: /^@llmkit\/trainer$/ }, () => ({ path: SRC })) }],
    });
    bundles.set(name, outfile);
  }
  return execFileSync(process.execPath, [outfile, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('README examples', () => {
  it('train-tiny-gpt: every evaluation scores the same batches, checkpoints are written, a second run resumes', async () => {
    const cwd = join(tmp.dir, 'tiny-gpt');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'input.txt'), makeText(3, 600)); // ~20 KB: 10 % of its 65-character rows is 3 validation batches
    const first = await runExample('train-tiny-gpt', ['input.txt', '4', 'out'], cwd);
    const evals = [...first.matchAll(/^step (\d+): val loss (\S+) \((\d+) batches\)$/gm)].map((m) => ({ step: Number(m[1]), loss: Number(m[2]), batches: Number(m[3]) }));
    expect(evals.map((e) => e.step)).toEqual([1, 2, 3, 4]);
    for (const e of evals) {
      expect(Number.isFinite(e.loss)).toBe(true);
      expect(e.batches).toBe(evals[0]!.batches);
    }
    expect(evals[0]!.batches).toBeGreaterThan(1);
    expect(first).toMatch(/^backend wasm: /m);
    expect(first).toMatch(/stopped \(max steps\) at step 4; checkpoint out\/step-000004$/m);
    expect(readFileSync(join(cwd, 'out', 'latest'), 'utf8').trim()).toBe('step-000004');
    // Run again with more steps: it resumes at step 4 (the first evaluation is step 5's).
    const second = await runExample('train-tiny-gpt', ['input.txt', '6', 'out'], cwd);
    expect([...second.matchAll(/^step (\d+): val loss/gm)].map((m) => Number(m[1]))).toEqual([5, 6]);
    expect(second).toMatch(/stopped \(max steps\) at step 6; checkpoint out\/step-000006$/m);
    expect(existsSync(join(cwd, 'out', 'metrics.jsonl'))).toBe(true);
  });

  it('pretrain-bert: MLM + SOP on segment pairs; each evaluation reports both parts over the same batches', async () => {
    const cwd = join(tmp.dir, 'bert');
    mkdirSync(join(cwd, 'books'), { recursive: true });
    writeFileSync(join(cwd, 'books', 'a.txt'), makeText(5, 1500)); // enough paragraphs for more than one validation batch of 16 pairs
    writeFileSync(join(cwd, 'books', 'b.txt'), makeText(6, 1500));
    const out = await runExample('pretrain-bert', ['books/*.txt', '4'], cwd);
    const evals = [...out.matchAll(/^step (\d+): val loss (\S+) \(mlm (\S+), sop (\S+); (\d+) batches\)$/gm)].map((m) => m.slice(1).map(Number));
    expect(evals.map((e) => e[0])).toEqual([1, 2, 3, 4]);
    for (const [, loss, mlm, sop, batches] of evals) {
      for (const v of [loss, mlm, sop]) expect(Number.isFinite(v)).toBe(true);
      expect(batches).toBe(evals[0]![4]);
    }
    expect(evals[0]![4]).toBeGreaterThan(1);
    expect(out).toMatch(/^stopped \(max steps\) at step 4; \d+ tokens$/m);
  });
});
