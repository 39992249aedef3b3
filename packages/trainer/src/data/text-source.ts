// Plain text files as documents: a whole file, each line, or each blank-line separated paragraph.
// Files are read in 1 MB windows; a whole-file document is cut into pieces at newlines.
import { ConfigError } from '@llmkit/core';
import { ByteReader, decodeUtf8 } from './byte-reader.js';
import { expandFiles } from './glob.js';
import { READ_SIZE, START, type SourcePosition, type TextPiece, type TextSource } from './source.js';

/** Options of {@link textFiles}. */
export interface TextFilesOptions {
  /**
   * What one document is (HF datasets' `sample_by`): `'document'` a whole file (default), `'line'`
   * every non-empty line, `'paragraph'` every run of non-blank lines.
   */
  sampleBy?: 'document' | 'line' | 'paragraph';
}

const SAMPLE_BY = ['document', 'line', 'paragraph'] as const;

/**
 * Plain UTF-8 text files, from paths or globs (see {@link expandFiles}), read in order.
 *
 * ```ts
 * const source = textFiles('corpus/**\/*.txt', { sampleBy: 'paragraph' });
 * ```
 */
export function textFiles(patterns: string | readonly string[], options: TextFilesOptions = {}): TextSource {
  const sampleBy = options.sampleBy ?? 'document';
  if (!SAMPLE_BY.includes(sampleBy)) {
    throw new ConfigError(`textFiles: 'sampleBy' must be one of ${SAMPLE_BY.join(', ')}, got ${JSON.stringify(sampleBy)}`);
  }
  let files: Promise<string[]> | undefined;
  return {
    describe: () => `text (${sampleBy}): ${JSON.stringify(patterns)}`,
    async *read(from: SourcePosition = START) {
      files ??= expandFiles(patterns);
      const list = await files;
      for (let f = from.file; f < list.length; f++) {
        const at = f === from.file ? from : { file: f, offset: 0, record: 0 };
        const reader = await ByteReader.open(list[f]!, at.offset);
        try {
          if (sampleBy === 'document') yield* documentPieces(reader, list[f]!, at);
          else yield* linePieces(reader, list[f]!, at, sampleBy === 'paragraph');
        } finally {
          await reader.close();
        }
      }
    },
  };
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0b || byte === 0x0c;
}

/**
 * Where to end a piece within the first `limit` bytes (exclusive): after the last newline between two non-space
 * bytes, where every tokenizer splits anyway (GPT-2's regex, BERT's whitespace), so pieces encode
 * as the whole text does; else after any newline; else at a UTF-8 character boundary. It depends on
 * the window's bytes only, so reading from a piece's start cuts the same pieces again.
 */
export function pieceCut(bytes: Uint8Array, limit: number): number {
  const window = bytes.subarray(0, limit);
  for (let i = window.length - 2; i > 0; i--) {
    if (window[i] === 10 && !isSpace(window[i - 1]) && !isSpace(window[i + 1])) return i + 1;
  }
  const newline = window.lastIndexOf(10);
  if (newline >= 0) return newline + 1;
  // No newline in a whole window: cut before a byte that starts a character (not 10xxxxxx).
  let i = window.length;
  while (i > 1 && ((bytes[i] ?? 0) & 0xc0) === 0x80) i--;
  return i;
}

/** A whole file as one document, in pieces of at most READ_SIZE bytes. */
async function* documentPieces(reader: ByteReader, path: string, at: SourcePosition): AsyncGenerator<TextPiece> {
  for (;;) {
    // One byte more than a window tells whether the rest of the file fits in this piece.
    await reader.fill(READ_SIZE + 1);
    const held = reader.bytes;
    if (held.length === 0) return;
    const last = reader.atEnd && held.length <= READ_SIZE;
    const cut = last ? held.length : pieceCut(held, READ_SIZE);
    const position = { file: at.file, offset: reader.start, record: 0 };
    const text = decodeUtf8(held.subarray(0, cut));
    reader.consume(cut);
    yield { text, position, key: path, last };
    if (last) return;
  }
}

function isBlank(line: Uint8Array): boolean {
  for (const b of line) if (!isSpace(b)) return false;
  return true;
}

/** Every non-empty line, or every paragraph (non-blank lines up to a blank one), as a document. */
async function* linePieces(reader: ByteReader, path: string, at: SourcePosition, paragraphs: boolean): AsyncGenerator<TextPiece> {
  let record = at.record;
  for (;;) {
    // Skip blank lines; a document starts at the first non-blank one.
    let end = await reader.indexOfNewline();
    while (end >= 0 && isBlank(reader.bytes.subarray(0, end))) {
      reader.consume(end + 1);
      if (!paragraphs) record++;
      end = await reader.indexOfNewline();
    }
    if (end < 0) {
      await reader.fill(Infinity);
      if (isBlank(reader.bytes)) return;
      end = reader.length;
    }
    if (paragraphs) {
      // Extend over the following non-blank lines.
      for (;;) {
        if (end >= reader.length) break;
        const next = await reader.indexOfNewline(end + 1);
        const lineEnd = next < 0 ? reader.length : next;
        if (isBlank(reader.bytes.subarray(end + 1, lineEnd))) break;
        end = lineEnd;
      }
    }
    const position = { file: at.file, offset: reader.start, record };
    let bytes = reader.bytes.subarray(0, end);
    if (bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    const text = decodeUtf8(bytes);
    reader.consume(Math.min(end + 1, reader.length));
    yield { text, position, key: `${path}#${record}`, last: true };
    record++;
  }
}
