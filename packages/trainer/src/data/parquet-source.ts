// Parquet files read with hyparquet: one text column, a row group at a time (the unit Parquet
// compresses and the most a reader must hold), each row a document.
import { ConfigError } from '@llmkit/core';
import { DataError } from './errors.js';
import { expandFiles } from './glob.js';
import { START, type SourcePosition, type TextPiece, type TextSource } from './source.js';

/** Options of {@link parquetFiles}. */
export interface ParquetFilesOptions {
  /** The string column holding the text. Default `'text'`. */
  column?: string;
}

/**
 * Parquet files, from paths or globs (see {@link expandFiles}); each non-null value of `column` is one
 * document. Rows with a null value are skipped.
 *
 * ```ts
 * const source = parquetFiles('wikitext/train-*.parquet', { column: 'text' });
 * ```
 * @throws DataError (while reading) naming the file if the column is missing or not text.
 */
export function parquetFiles(patterns: string | readonly string[], options: ParquetFilesOptions = {}): TextSource {
  const column = options.column ?? 'text';
  if (typeof column !== 'string' || column === '') throw new ConfigError(`parquetFiles: 'column' must be a non-empty string, got ${JSON.stringify(column)}`);
  let files: Promise<string[]> | undefined;
  return {
    describe: () => `parquet (${column}): ${JSON.stringify(patterns)}`,
    async *read(from: SourcePosition = START) {
      const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
      files ??= expandFiles(patterns);
      const list = await files;
      for (let f = from.file; f < list.length; f++) {
        const file = list[f]!;
        const buffer = await asyncBufferFromFile(file);
        const metadata = await parquetMetadataAsync(buffer);
        if (!metadata.schema.some((s) => s.name === column)) {
          const names = metadata.schema.slice(1).map((s) => s.name);
          throw new DataError(`parquetFiles: ${file} has no column '${column}' (columns: ${names.join(', ')})`);
        }
        let groupStart = 0;
        for (const group of metadata.row_groups) {
          const groupEnd = groupStart + Number(group.num_rows);
          const rowStart = Math.max(groupStart, f === from.file ? from.offset : 0);
          if (rowStart < groupEnd) {
            const rows = await parquetReadObjects({ file: buffer, metadata, columns: [column], rowStart, rowEnd: groupEnd, rowFormat: 'object' });
            for (let i = 0; i < rows.length; i++) {
              const row = rowStart + i;
              const text: unknown = rows[i]![column];
              if (text === null || text === undefined) continue;
              if (typeof text !== 'string') {
                throw new DataError(`parquetFiles: ${file} row ${row}: column '${column}' must hold strings, got ${typeof text}`);
              }
              yield { text, position: { file: f, offset: row, record: row }, key: `${file}#${row}`, last: true } satisfies TextPiece;
            }
          }
          groupStart = groupEnd;
        }
      }
    },
  };
}
