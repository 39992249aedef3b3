// JSON Lines files: one JSON object per line, the document's text at a field or dotted path.
import { ConfigError } from '@llmkit/core';
import { ByteReader, decodeUtf8 } from './byte-reader.js';
import { DataError } from './errors.js';
import { expandFiles } from './glob.js';
import { START, type SourcePosition, type TextPiece, type TextSource } from './source.js';

/** Options of {@link jsonlFiles}. */
export interface JsonlFilesOptions {
  /** Where the text is in each record: a key, or a dotted path (`'meta.body'`, `'turns.0.text'`). Default `'text'`. */
  field?: string;
  /**
   * What to do with a record whose field is missing or null: `'skip'` it (default) or `'error'`.
   * A field holding anything but a string is always an error.
   */
  missing?: 'skip' | 'error';
}

/** The value at a dotted path (`a.b.0.c`), or undefined where the path leaves the object. */
export function getPath(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * JSONL files, from paths or globs (see {@link expandFiles}); each non-blank line is one document.
 *
 * ```ts
 * const source = jsonlFiles('shards/*.jsonl', { field: 'meta.text' });
 * ```
 * @throws DataError (while reading) naming the file and line of a malformed record.
 */
export function jsonlFiles(patterns: string | readonly string[], options: JsonlFilesOptions = {}): TextSource {
  const field = options.field ?? 'text';
  if (typeof field !== 'string' || field === '') throw new ConfigError(`jsonlFiles: 'field' must be a non-empty string, got ${JSON.stringify(field)}`);
  const missing = options.missing ?? 'skip';
  if (missing !== 'skip' && missing !== 'error') throw new ConfigError(`jsonlFiles: 'missing' must be 'skip' or 'error', got ${JSON.stringify(missing)}`);
  const path = field.split('.');
  let files: Promise<string[]> | undefined;
  return {
    describe: () => `jsonl (${field}): ${JSON.stringify(patterns)}`,
    async *read(from: SourcePosition = START) {
      files ??= expandFiles(patterns);
      const list = await files;
      for (let f = from.file; f < list.length; f++) {
        const at = f === from.file ? from : { file: f, offset: 0, record: 0 };
        const file = list[f]!;
        const reader = await ByteReader.open(file, at.offset);
        try {
          for (let record = at.record; ; record++) {
            let end = await reader.indexOfNewline();
            if (end < 0) {
              if (reader.length === 0) break;
              end = reader.length;
            }
            const position = { file: f, offset: reader.start, record };
            const line = decodeUtf8(reader.bytes.subarray(0, end)).trim();
            reader.consume(Math.min(end + 1, reader.length));
            if (line === '') continue;
            let parsed: unknown;
            try {
              parsed = JSON.parse(line);
            } catch (e) {
              throw new DataError(`jsonlFiles: ${file} line ${record + 1} is not JSON: ${(e as Error).message}`, { cause: e });
            }
            const text = getPath(parsed, path);
            if (text === undefined || text === null) {
              if (missing === 'error') throw new DataError(`jsonlFiles: ${file} line ${record + 1} has no field '${field}'`);
              continue;
            }
            if (typeof text !== 'string') {
              throw new DataError(`jsonlFiles: ${file} line ${record + 1}: field '${field}' must be a string, got ${Array.isArray(text) ? 'an array' : typeof text}`);
            }
            yield { text, position, key: `${file}#${record}`, last: true } satisfies TextPiece;
          }
        } finally {
          await reader.close();
        }
      }
    },
  };
}
