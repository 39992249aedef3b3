import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError, jsonlFiles, parquetFiles, textFiles, type TextPiece, type TextSource } from '../src/index.js';
import { makeText, withTempDir, writeParquet } from './data-helpers.js';

async function collect(source: TextSource, from?: TextPiece['position']): Promise<TextPiece[]> {
  const out: TextPiece[] = [];
  for await (const piece of source.read(from)) out.push(piece);
  return out;
}

describe('textFiles', () => {
  it('a whole file is one document in ≤ 1 MB pieces that join back to the text, cut at newlines', async () => {
    await withTempDir(async (dir) => {
      const text = makeText(1, 100_000); // ~2.7 MB with multi-byte characters
      expect(Buffer.byteLength(text)).toBeGreaterThan(2 << 20);
      await writeFile(join(dir, 'a.txt'), text);
      await writeFile(join(dir, 'b.txt'), 'short file');
      const pieces = await collect(textFiles(`${dir}/*.txt`));
      const a = pieces.filter((p) => p.position.file === 0);
      expect(a.length).toBeGreaterThanOrEqual(3);
      expect(a.map((p) => p.text).join('')).toBe(text);
      expect(a.map((p) => p.last)).toEqual([...a.slice(1).map(() => false), true]);
      for (const p of a.slice(0, -1)) {
        expect(Buffer.byteLength(p.text)).toBeLessThanOrEqual(1 << 20);
        expect(p.text.endsWith('\n')).toBe(true);
      }
      expect(pieces.at(-1)).toMatchObject({ text: 'short file', last: true, key: `${dir}/b.txt` });
    });
  });

  it('a file with no newline for megabytes is cut at UTF-8 character boundaries', async () => {
    await withTempDir(async (dir) => {
      const text = 'é你🙂'.repeat(300_000); // 2.7 MB, no newline
      await writeFile(join(dir, 'a.txt'), text);
      const pieces = await collect(textFiles(join(dir, 'a.txt')));
      expect(pieces.length).toBe(3);
      expect(pieces.map((p) => p.text).join('')).toBe(text);
      expect(pieces.some((p) => p.text.includes('\ufffd'))).toBe(false);
    });
  });

  it('reading from any piece position yields exactly the pieces an uninterrupted read yields from there', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'a.txt'), makeText(2, 50_000));
      await writeFile(join(dir, 'b.txt'), makeText(3, 300));
      for (const sampleBy of ['document', 'line', 'paragraph'] as const) {
        const source = textFiles([`${dir}/a.txt`, `${dir}/b.txt`], { sampleBy });
        const all = await collect(source);
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 0, max: all.length - 1 }), async (k) => {
            const rest = await collect(source, all[k]!.position);
            expect(rest.length).toBe(all.length - k);
            expect(rest[0]).toEqual(all[k]);
            expect(rest.at(-1)).toEqual(all.at(-1));
          }),
          { numRuns: sampleBy === 'document' ? 4 : 6 },
        );
      }
    });
  });

  it("sampleBy 'line' and 'paragraph' give non-blank lines and blank-line separated paragraphs", async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'a.txt'), '\nfirst line\r\nsecond\n\n  \nthird\nfourth');
      const lines = await collect(textFiles(join(dir, 'a.txt'), { sampleBy: 'line' }));
      expect(lines.map((p) => p.text)).toEqual(['first line', 'second', 'third', 'fourth']);
      expect(lines.map((p) => p.position.record)).toEqual([1, 2, 5, 6]);
      const paragraphs = await collect(textFiles(join(dir, 'a.txt'), { sampleBy: 'paragraph' }));
      expect(paragraphs.map((p) => p.text)).toEqual(['first line\r\nsecond', 'third\nfourth']);
      expect(paragraphs.every((p) => p.last)).toBe(true);
    });
  });
});

describe('jsonlFiles', () => {
  it('reads a field at a dotted path, skips records without it, and resumes at a record', async () => {
    await withTempDir(async (dir) => {
      const records = [{ meta: { text: 'one' } }, { meta: {} }, { meta: { text: 'twö' } }, { other: 1 }, { meta: { text: 'three' } }];
      await writeFile(join(dir, 'a.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n\n');
      await writeFile(join(dir, 'b.jsonl'), JSON.stringify({ meta: { text: 'four' } }));
      const source = jsonlFiles(`${dir}/*.jsonl`, { field: 'meta.text' });
      const pieces = await collect(source);
      expect(pieces.map((p) => p.text)).toEqual(['one', 'twö', 'three', 'four']);
      expect(pieces[1]!.key).toBe(`${dir}/a.jsonl#2`);
      expect((await collect(source, pieces[2]!.position)).map((p) => p.text)).toEqual(['three', 'four']);
      const arrays = jsonlFiles(join(dir, 'c.jsonl'), { field: 'turns.1.text' });
      await writeFile(join(dir, 'c.jsonl'), JSON.stringify({ turns: [{ text: 'q' }, { text: 'a' }] }));
      expect((await collect(arrays)).map((p) => p.text)).toEqual(['a']);
    });
  });

  it('names the file and line of a malformed record, a non-string field, or (missing: error) a missing one', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'bad.jsonl'), '{"text": "ok"}\n{"text": \n');
      await expect(collect(jsonlFiles(join(dir, 'bad.jsonl')))).rejects.toThrow(/bad\.jsonl line 2 is not JSON/);
      await writeFile(join(dir, 'num.jsonl'), '{"text": 5}\n');
      await expect(collect(jsonlFiles(join(dir, 'num.jsonl')))).rejects.toThrow(/num\.jsonl line 1: field 'text' must be a string, got number/);
      await writeFile(join(dir, 'gap.jsonl'), '{"body": "x"}\n');
      const error = await collect(jsonlFiles(join(dir, 'gap.jsonl'), { missing: 'error' })).catch((e: unknown) => e);
      expect(DataError.isInstance(error)).toBe(true);
      expect(String(error)).toMatch(/gap\.jsonl line 1 has no field 'text'/);
    });
  });
});

describe('parquetFiles', () => {
  it('reads a text column across row groups and files, skips nulls, and resumes at a row', async () => {
    await withTempDir(async (dir) => {
      // Written by the minimal writer in data-helpers.ts (PLAIN, uncompressed; an optional column for the nulls).
      const texts = ['alpha', 'βeta', null, 'gamma '.repeat(50), 'delta', 'epsilon', null, 'zeta'];
      await writeParquet(join(dir, 'part-0.parquet'), { id: texts.map((_, i) => String(i)), text: texts }, 3);
      await writeParquet(join(dir, 'part-1.parquet'), { text: ['eta', 'theta'] }, 10);
      const source = parquetFiles(`${dir}/part-?.parquet`);
      const pieces = await collect(source);
      expect(pieces.map((p) => p.text)).toEqual([...(texts.filter((t) => t !== null) as string[]), 'eta', 'theta']);
      expect(pieces[3]!.position).toEqual({ file: 0, offset: 4, record: 4 });
      const rest = await collect(source, pieces[3]!.position);
      expect(rest).toEqual(pieces.slice(3));
    });
  });

  it('names the file and the columns it has when the column is missing', async () => {
    await withTempDir(async (dir) => {
      await writeParquet(join(dir, 'a.parquet'), { body: ['x'] }, 1);
      await expect(collect(parquetFiles(join(dir, 'a.parquet')))).rejects.toThrow(/a\.parquet has no column 'text' \(columns: body\)/);
    });
  });
});
