// A forward-only window over a file's bytes read in 1 MB chunks from any offset: the text and
// JSONL sources scan it for line and piece boundaries without ever holding the whole file.
import type { FileHandle } from 'node:fs/promises';
import { READ_SIZE } from './source.js';

export class ByteReader {
  /** `buf[head..end)` holds the file's bytes from offset `start` on. */
  private buf = new Uint8Array(0);
  private head = 0;
  private end = 0;
  private eof = false;

  private constructor(
    private readonly handle: FileHandle,
    /** File offset of the first held byte. */
    public start: number,
  ) {}

  static async open(path: string, offset: number): Promise<ByteReader> {
    const { open } = await import('node:fs/promises');
    return new ByteReader(await open(path, 'r'), offset);
  }

  /** Bytes held from `start` on (a view, valid until the next `fill`). */
  get bytes(): Uint8Array {
    return this.buf.subarray(this.head, this.end);
  }

  get length(): number {
    return this.end - this.head;
  }

  /** True once the file's last byte is held. */
  get atEnd(): boolean {
    return this.eof;
  }

  /** Reads until at least `n` bytes are held or the file ends; false if nothing more could be read. */
  async fill(n: number): Promise<boolean> {
    let grew = false;
    while (this.length < n && !this.eof) {
      if (this.buf.length - this.end < READ_SIZE) {
        // Move the held bytes to the front (consume only advances `head`), growing if still short.
        const held = this.length;
        const target = held + READ_SIZE > this.buf.length ? new Uint8Array(Math.max(held + READ_SIZE, 2 * this.buf.length)) : this.buf;
        target.set(this.buf.subarray(this.head, this.end));
        this.buf = target;
        this.head = 0;
        this.end = held;
      }
      const { bytesRead } = await this.handle.read(this.buf, this.end, READ_SIZE, this.start + this.length);
      if (bytesRead === 0) this.eof = true;
      else grew = true;
      this.end += bytesRead;
    }
    return grew;
  }

  /** Drops the first `n` held bytes (moves `start` forward). */
  consume(n: number): void {
    this.head += n;
    this.start += n;
    if (this.head === this.end) {
      this.head = this.end = 0;
      // Give back the memory of one very long line once it is gone.
      if (this.buf.length > 4 * READ_SIZE) this.buf = new Uint8Array(2 * READ_SIZE);
    }
  }

  /**
   * The index (into `bytes`) of the first `\n` at or after `from`, reading more as needed;
   * -1 if the file ends first.
   */
  async indexOfNewline(from = 0): Promise<number> {
    let scanned = from;
    for (;;) {
      const i = this.bytes.indexOf(10, scanned);
      if (i >= 0) return i;
      scanned = this.length;
      if (!(await this.fill(this.length + READ_SIZE))) return -1;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

const decoder = new TextDecoder('utf-8');

/** UTF-8 bytes to a string (invalid sequences become U+FFFD, as TextDecoder does). */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
