import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, expandFiles, globToRegExp } from '../src/index.js';
import { withTempDir } from './data-helpers.js';

describe('globToRegExp', () => {
  it.each([
    ['*.txt', 'a.txt', true],
    ['*.txt', 'dir/a.txt', false],
    ['a?.jsonl', 'a1.jsonl', true],
    ['a?.jsonl', 'a12.jsonl', false],
    ['data/**/*.txt', 'data/a.txt', true],
    ['data/**/*.txt', 'data/x/y/a.txt', true],
    ['data/**/*.txt', 'datax/a.txt', false],
    ['data/**', 'data/x/y', true],
    ['a.b+c(1).txt', 'a.b+c(1).txt', true],
    ['a.b+c(1).txt', 'aXb+c(1).txt', false],
  ])('%s against %s: %s', (pattern, path, expected) => {
    expect(globToRegExp(pattern).test(path)).toBe(expected);
  });
});

describe('expandFiles', () => {
  it('expands *, ** and ? below the literal prefix, sorted, without duplicates', async () => {
    await withTempDir(async (dir) => {
      for (const f of ['b.txt', 'a.txt', 'a1.jsonl', 'sub/c.txt', 'sub/deep/d.txt', 'sub/e.md']) {
        await mkdir(join(dir, f, '..'), { recursive: true });
        await writeFile(join(dir, f), f);
      }
      expect(await expandFiles(`${dir}/*.txt`)).toEqual([`${dir}/a.txt`, `${dir}/b.txt`]);
      expect(await expandFiles(`${dir}/**/*.txt`)).toEqual([`${dir}/a.txt`, `${dir}/b.txt`, `${dir}/sub/c.txt`, `${dir}/sub/deep/d.txt`]);
      expect(await expandFiles(`${dir}/a?.jsonl`)).toEqual([`${dir}/a1.jsonl`]);
      // Pattern order is kept; a file named twice appears once, where it first matched.
      expect(await expandFiles([`${dir}/sub/e.md`, `${dir}/sub/*.*`])).toEqual([`${dir}/sub/e.md`, `${dir}/sub/c.txt`]);
    });
  });

  it('rejects a missing file and a glob matching nothing with a DataError naming them', async () => {
    await withTempDir(async (dir) => {
      await expect(expandFiles(`${dir}/none.txt`)).rejects.toThrow(/none\.txt' is not a file/);
      const error = await expandFiles(`${dir}/*.parquet`).catch((e: unknown) => e);
      expect(DataError.isInstance(error)).toBe(true);
      expect(String(error)).toMatch(/no file matches '.*\*\.parquet'/);
    });
  });
});
