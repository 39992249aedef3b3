// What every corpus source yields: documents as text pieces, each tagged with the position it
// starts at, so a pipeline can reopen the source exactly there when it resumes.

/** Where a piece starts: a file of the source's list, and a byte offset (text, JSONL) or row (Parquet) in it. */
export interface SourcePosition {
  /** Index into the source's file list. */
  readonly file: number;
  /** Byte offset (text, JSONL) or row index (Parquet) in that file. */
  readonly offset: number;
  /** Index of the piece's document within the file (lines, records or rows before it). */
  readonly record: number;
}

/** A document, or a part of one when a document is larger than a read window. */
export interface TextPiece {
  readonly text: string;
  /** Where this piece starts; `read(position)` yields this piece first. */
  readonly position: SourcePosition;
  /** Stable identity of the piece's document (`path#record`), hashed by the document split. */
  readonly key: string;
  /** True on the last piece of a document: a separator (EOS) follows it. */
  readonly last: boolean;
}

/**
 * A corpus read as a stream of pieces with constant memory. Reading from a position a piece started
 * at yields exactly the pieces an uninterrupted read yields from there on.
 */
export interface TextSource {
  /** Pieces from `from` (default: the start) to the end of the last file. */
  read(from?: SourcePosition): AsyncIterable<TextPiece>;
  /** A short description for error messages and state checks (`text: 2 files`). */
  describe(): string;
}

export const START: SourcePosition = { file: 0, offset: 0, record: 0 };

/** Bytes read from a file per call: the unit of memory a source holds. */
export const READ_SIZE = 1 << 20;
