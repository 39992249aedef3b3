// Runs the .mjs examples (the README includes them verbatim) with tiny settings and checks what they
// print; examples/classification.ts is run by readme.test.ts. The examples import
// '@llmkit/objectives' as a user would, i.e. this package's dist: build it first.
import { readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

/** Imports an example with `env` set, returning the lines it logged. */
async function run(name: string, env: Record<string, string> = {}): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    await import(`../examples/${name}`);
  } finally {
    log.mockRestore();
    process.env = saved;
  }
  return lines;
}

describe('examples', () => {
  it('every example is run by a test', () => {
    expect(readdirSync(new URL('../examples/', import.meta.url)).sort()).toEqual(['causal-lm.mjs', 'classification.ts', 'mlm-sop.mjs']);
  });

  it('mlm-sop.mjs (20 steps): both losses fall, and each step reports its masked-token count', async () => {
    const lines = await run('mlm-sop.mjs', { STEPS: '20' });
    expect(lines).toHaveLength(2);
    const parse = (line: string) => {
      const m = /^step (\d+): loss (\S+) \{"sop":"(\S+)","mlm":"(\S+)"\} (\d+) masked tokens$/.exec(line);
      expect(m, line).not.toBeNull();
      return m!.slice(1).map(Number);
    };
    const [[s1, l1, , m1, t1], [s20, l20, , m20]] = lines.map(parse) as [number[], number[]];
    expect([s1, s20]).toEqual([1, 20]);
    expect(l20).toBeLessThan(l1!);
    expect(m20).toBeLessThan(m1!);
    expect(t1).toBeGreaterThan(0);
  });

  it('causal-lm.mjs: micro-batches weighted by metrics.tokens give the whole batch’s gradient; a mean of means does not', async () => {
    const lines = await run('causal-lm.mjs');
    expect(lines[0]).toBe('predicted positions: 5 + 6 = 11');
    const gap = (line: string) => Number(/max \|difference\| (\S+)$/.exec(line)![1]);
    expect(gap(lines[1]!)).toBeLessThan(1e-6);
    expect(gap(lines[2]!)).toBeGreaterThan(1e-3);
  });
});
