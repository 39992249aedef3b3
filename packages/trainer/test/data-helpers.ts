// Test helpers for the data pipeline: temporary corpora, a code-point tokenizer, and a minimal
// Parquet writer (no writer library is installed: PLAIN, uncompressed, required UTF-8 columns,
// one data page per column chunk — enough for hyparquet to read, as any Parquet reader must).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataPipeline } from '../src/index.js';

export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'llmkit-data-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The first `n` batches of a pipeline (all of them by default), continuing from where it is. */
export async function take<B>(pipeline: DataPipeline<B>, n = Infinity): Promise<B[]> {
  const out: B[] = [];
  if (n === 0) return out;
  for await (const batch of pipeline) {
    out.push(batch);
    if (out.length === n) break;
  }
  return out;
}

/** Each code point is its id: decoding is exact, so tests can compare text. */
export const codePoints = {
  encodeIds: (text: string): Int32Array => Int32Array.from(text, (c) => c.codePointAt(0)!),
};

export function decodeCodePoints(ids: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) s += String.fromCodePoint(ids[i]!);
  return s;
}

/** Deterministic pseudo-random text: words, some multi-byte characters, lines and blank lines. */
export function makeText(seed: number, lines: number): string {
  let x = seed >>> 0 || 1;
  const next = (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  const words = ['the', 'king', 'hath', 'spoken', 'ëlan', '你好', 'μῆνιν', 'to', 'be', 'or', 'not', '🙂', 'Romeo'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    if (next(7) === 0) {
      out.push('');
      continue;
    }
    const n = 1 + next(12);
    out.push(Array.from({ length: n }, () => words[next(words.length)]).join(' '));
  }
  return out.join('\n') + '\n';
}

// --- Thrift compact protocol, the encoding of Parquet's footer and page headers ---

class Thrift {
  bytes: number[] = [];
  private last: number[] = [0];

  varint(n: number | bigint): void {
    let v = BigInt(n);
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
  zigzag(n: number): void {
    const v = BigInt(n);
    this.varint(v >= 0n ? v << 1n : (-v << 1n) - 1n);
  }
  private header(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1]!;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }
  i32(id: number, v: number): void {
    this.header(id, 5);
    this.zigzag(v);
  }
  i64(id: number, v: number): void {
    this.header(id, 6);
    this.zigzag(v);
  }
  binary(id: number, s: string): void {
    this.header(id, 8);
    const b = new TextEncoder().encode(s);
    this.varint(b.length);
    this.bytes.push(...b);
  }
  struct(id: number, body: () => void): void {
    this.header(id, 12);
    this.structBody(body);
  }
  structBody(body: () => void): void {
    this.last.push(0);
    body();
    this.bytes.push(0);
    this.last.pop();
  }
  list(id: number, elemType: number, items: readonly (() => void)[]): void {
    this.header(id, 9);
    if (items.length < 15) this.bytes.push((items.length << 4) | elemType);
    else {
      this.bytes.push(0xf0 | elemType);
      this.varint(items.length);
    }
    for (const item of items) item();
  }
}

/**
 * A Parquet file with string columns, `rowGroupSize` rows per row group. `null` values need an
 * optional column: a column with any null is written OPTIONAL with RLE definition levels.
 */
export function parquetBytes(columns: Record<string, (string | null)[]>, rowGroupSize: number): Uint8Array {
  const names = Object.keys(columns);
  const numRows = columns[names[0]!]!.length;
  const optional = Object.fromEntries(names.map((n) => [n, columns[n]!.some((v) => v === null)]));
  const out: number[] = [...new TextEncoder().encode('PAR1')];
  const groups: { columns: { offset: number; size: number; values: number }[]; rows: number }[] = [];
  for (let start = 0; start < numRows; start += rowGroupSize) {
    const end = Math.min(numRows, start + rowGroupSize);
    const chunks = names.map((name) => {
      const values = columns[name]!.slice(start, end);
      const data: number[] = [];
      if (optional[name]) {
        // Definition levels (bit width 1) as bit-packed runs, prefixed by their byte length.
        const levels: number[] = [];
        const groupsOf8 = Math.ceil(values.length / 8);
        levels.push(((groupsOf8 << 1) | 1) & 0xff);
        for (let g = 0; g < groupsOf8; g++) {
          let byte = 0;
          for (let k = 0; k < 8; k++) if (values[g * 8 + k] !== null && g * 8 + k < values.length) byte |= 1 << k;
          levels.push(byte);
        }
        data.push(levels.length & 0xff, (levels.length >> 8) & 0xff, 0, 0, ...levels);
      }
      for (const v of values) {
        if (v === null) continue;
        const b = new TextEncoder().encode(v);
        data.push(b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, (b.length >>> 24) & 0xff, ...b);
      }
      const header = new Thrift();
      header.structBody(() => {
        header.i32(1, 0); // DATA_PAGE
        header.i32(2, data.length);
        header.i32(3, data.length);
        header.struct(5, () => {
          header.i32(1, values.length);
          header.i32(2, 0); // PLAIN
          header.i32(3, 3); // RLE
          header.i32(4, 3);
        });
      });
      const offset = out.length;
      out.push(...header.bytes, ...data);
      return { offset, size: out.length - offset, values: values.length };
    });
    groups.push({ columns: chunks, rows: end - start });
  }
  const meta = new Thrift();
  meta.structBody(() => {
    meta.i32(1, 1);
    meta.list(2, 12, [
      () => meta.structBody(() => {
        meta.binary(4, 'schema');
        meta.i32(5, names.length);
      }),
      ...names.map((name) => () =>
        meta.structBody(() => {
          meta.i32(1, 6); // BYTE_ARRAY
          meta.i32(3, optional[name] ? 1 : 0);
          meta.binary(4, name);
          meta.i32(6, 0); // UTF8
        }),
      ),
    ]);
    meta.i64(3, numRows);
    meta.list(
      4,
      12,
      groups.map((g) => () =>
        meta.structBody(() => {
          meta.list(
            1,
            12,
            g.columns.map((c, i) => () =>
              meta.structBody(() => {
                meta.i64(2, c.offset);
                meta.struct(3, () => {
                  meta.i32(1, 6);
                  meta.list(2, 5, [() => meta.zigzag(0), () => meta.zigzag(3)]);
                  meta.list(3, 8, [() => {
                    const b = new TextEncoder().encode(names[i]!);
                    meta.varint(b.length);
                    meta.bytes.push(...b);
                  }]);
                  meta.i32(4, 0); // UNCOMPRESSED
                  meta.i64(5, c.values);
                  meta.i64(6, c.size);
                  meta.i64(7, c.size);
                  meta.i64(9, c.offset);
                });
              }),
            ),
          );
          meta.i64(2, g.columns.reduce((n, c) => n + c.size, 0));
          meta.i64(3, g.rows);
        }),
      ),
    );
  });
  const len = meta.bytes.length;
  out.push(...meta.bytes, len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, (len >>> 24) & 0xff, ...new TextEncoder().encode('PAR1'));
  return Uint8Array.from(out);
}

export async function writeParquet(path: string, columns: Record<string, (string | null)[]>, rowGroupSize: number): Promise<void> {
  await writeFile(path, parquetBytes(columns, rowGroupSize));
}
