// Races in the kernels: every kernels/*.cu entry point runs on small shapes with one OS thread per
// GPU thread under ThreadSanitizer (test/double/build-races.ts, cases in test/double/races/), once
// with the blocks of a grid ordered (races within a block, shared memory included) and once
// unordered (races between blocks), and any report fails. The test of the test: copies of a kernel
// with one __syncthreads removed must be reported as data races on the kernel's shared memory, and
// one with an atomicAdd made a plain add as a race between blocks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildRaceCheck, kernelFamilies, runRaceCheck } from './double/build-races.js';
import { emulatedEntryPoints } from './double/build.js';

const kernels = fileURLToPath(new URL('../kernels', import.meta.url));
const SYNC = '__syncthreads();';

/** `source` with the `nth` (0-based) __syncthreads() after `anchor` replaced by `replacement` (default: removed). */
function withoutSync(source: string, anchor: string, nth: number, replacement = '/* __syncthreads removed by races.test.ts */'): string {
  let at = source.indexOf(anchor);
  if (at < 0) throw new Error(`test of the test: '${anchor}' is no longer in the source`);
  for (let i = 0; i <= nth; i++) {
    at = source.indexOf(SYNC, at + (i === 0 ? 0 : SYNC.length));
    if (at < 0) throw new Error(`test of the test: no __syncthreads #${nth} after '${anchor}'`);
  }
  return `${source.slice(0, at)}${replacement}${source.slice(at + SYNC.length)}`;
}

describe('ThreadSanitizer on the emulated kernels', () => {
  it('every kernel of every family runs with one thread per GPU thread and no data race is reported within a block', () => {
    const run = runRaceCheck(buildRaceCheck());
    expect(run.reports, run.reports.join('\n')).toEqual([]);
    expect(run.status, run.stderr.slice(-4000)).toBe(0);
    for (const family of kernelFamilies()) {
      const missing = emulatedEntryPoints(`${kernels}/${family}.cu`).filter((k) => !run.launched.includes(k));
      expect(missing, `kernels of ${family}.cu with no launch in test/double/races/${family}.cpp`).toEqual([]);
    }
  });

  it('with the blocks of each grid unordered, as on the GPU, no data race is reported between blocks', () => {
    const run = runRaceCheck(buildRaceCheck(), { blocks: 'unordered' });
    expect(run.reports, run.reports.join('\n')).toEqual([]);
    expect(run.status, run.stderr.slice(-4000)).toBe(0);
    expect(run.launched.length).toBeGreaterThan(100);
  });

  it("column_sum's atomicAdd made a plain add is reported as a race between blocks when they are unordered, and only then", () => {
    const source = readFileSync(`${kernels}/reduce.cu`, 'utf8');
    const atomic = '  atomicAdd(out + c, s);\n}';
    expect(source).toContain(atomic);
    const build = buildRaceCheck({ families: ['reduce'], edits: { 'reduce.cu': source.replace(atomic, '  out[c] += s;\n}') } });
    const ordered = runRaceCheck(build, { kernels: ['column_sum'] });
    expect(ordered.reports).toEqual([]);
    const unordered = runRaceCheck(build, { kernels: ['column_sum'], blocks: 'unordered' });
    expect(unordered.status, unordered.stderr.slice(-3000)).not.toBe(0);
    expect(unordered.reports.some((r) => /WARNING: ThreadSanitizer: data race/.test(r) && /#0 column_sum /.test(r) && /Location is heap block/.test(r))).toBe(true);
  });

  it('a __syncthreads removed between loading a K/V tile and reading it in attention_forward is reported on the shared tile', () => {
    const source = readFileSync(`${kernels}/attention.cu`, 'utf8');
    const build = buildRaceCheck({ families: ['attention'], edits: { 'attention.cu': withoutSync(source, 'attention_forward(', 1) } });
    const run = runRaceCheck(build, { kernels: ['attention_forward'] });
    // Only the broken kernel runs (its wrong results may stop the run at the first value check).
    expect(run.launched[0]).toBe('attention_forward');
    expect(run.launched.every((k) => k === 'attention_forward')).toBe(true);
    expect(run.status, run.stderr.slice(-3000)).not.toBe(0);
    const races = run.reports.filter((r) => /WARNING: ThreadSanitizer: data race/.test(r));
    expect(races.length).toBeGreaterThan(0);
    expect(races.some((r) => /#1 attention_forward /.test(r) && /Location is global 'attention_forward::[kv]s'/.test(r))).toBe(true);
  });

  it('a removed leading __syncthreads of block_sum is reported on the scratch when softmax_backward moves to its next row', () => {
    const header = readFileSync(`${kernels}/llmkit.cuh`, 'utf8');
    const build = buildRaceCheck({ families: ['softmax'], edits: { 'llmkit.cuh': withoutSync(header, 'float block_sum(', 0) } });
    const run = runRaceCheck(build, { kernels: ['softmax_backward'] });
    expect(run.launched).toEqual(['softmax_backward']);
    expect(run.status).not.toBe(0);
    const races = run.reports.filter((r) => /WARNING: ThreadSanitizer: data race/.test(r));
    expect(races.some((r) => /block_sum/.test(r) && /Location is global '\w+::scratch'/.test(r))).toBe(true);
  });

  it('a __syncthreads that only lane 0 of each warp reaches (the other lanes wait at a shuffle) fails the run as a divergent barrier naming the kernel', () => {
    const header = readFileSync(`${kernels}/llmkit.cuh`, 'utf8');
    const edited = withoutSync(header, 'float block_sum(', 1, 'if (lane == 0) __syncthreads();');
    const run = runRaceCheck(buildRaceCheck({ families: ['softmax'], edits: { 'llmkit.cuh': edited } }), { kernels: ['softmax_backward'] });
    expect(run.status, run.stderr.slice(-3000)).toBe(3);
    expect(run.stderr).toMatch(/llmkit race check: divergent barrier \(threads wait at different barriers\) in softmax_backward, block \(0,0,0\)/);
  });
});
