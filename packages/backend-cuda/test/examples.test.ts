// Runs every file in examples/ (the README includes them verbatim) and checks what each prints.
// The examples import '@llmkit/backend-cuda' as a user would, i.e. this package's dist.
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

async function run(name: string): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
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
    expect(readdirSync(new URL('../examples/', import.meta.url)).sort()).toEqual(['fallback.ts']);
  });

  it('fallback.ts: without a GPU, says why cuda is unavailable and computes on cpu', async () => {
    const lines = await run('fallback.ts');
    expect(lines[0]).toMatch(/^cuda unavailable: Backend 'cuda' failed to initialise: (no CUDA device: cuInit returned CUDA_ERROR_NO_DEVICE \(100\)|CUDA driver \(libcuda\) not found)/);
    expect(lines[1]).toMatch(/^using cpu: /);
    expect(lines[2]).toBe('1 + 2 = 3');
  });
});
