// Runs every file in examples/ (the README includes them verbatim) and checks what each prints.
// The examples import '@llmkit/layers' as a user would, i.e. this package's dist: build it first.
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** Imports an example, returning the lines it logged. */
async function run(name: string): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
  try {
    await import(`../examples/${name}`);
  } finally {
    log.mockRestore();
  }
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe('examples', () => {
  it('every example has a test here', () => {
    expect(readdirSync(new URL('../examples/', import.meta.url)).sort()).toEqual(['kv-cache.ts', 'tiny-gpt.ts']);
  });

  it('tiny-gpt.ts: loss near ln 97, config.json ids from the tokenizer, identical logits after load', async () => {
    const lines = await run('tiny-gpt.ts');
    const loss = Number(/^loss (\S+)$/.exec(lines[0]!)![1]);
    expect(Math.abs(loss - Math.log(97))).toBeLessThan(0.3);
    expect(lines[1]).toBe('config.json ids {"vocab_size":97,"bos_token_id":null,"eos_token_id":96}');
    expect(lines[2]).toBe('same logits after load: true');
  });

  it('kv-cache.ts: cached greedy decoding gives the tokens of full recomputation, and frees its tensors', async () => {
    const lines = await run('kv-cache.ts');
    const cached = lines[0]!.replace('cached:', '').trim();
    expect(cached.split(' ')).toHaveLength(12);
    expect(lines[1]!.replace('full:', '').trim()).toBe(cached);
    expect(lines[2]).toBe('tensors left: 0');
  });
});
