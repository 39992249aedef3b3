// A growable list of [start, end) spans: the pre-tokenizers' output, reused across calls.

/** Pieces of a text as [start, end) pairs of UTF-16 offsets. */
export class Spans {
  data = new Int32Array(256);
  length = 0;

  push(start: number, end: number): void {
    if (2 * this.length + 2 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[2 * this.length] = start;
    this.data[2 * this.length + 1] = end;
    this.length++;
  }

  start(i: number): number {
    return this.data[2 * i]!;
  }
  end(i: number): number {
    return this.data[2 * i + 1]!;
  }

  clear(): void {
    this.length = 0;
  }

  /** The pieces as strings (for tests and debugging). */
  strings(text: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.length; i++) out.push(text.slice(this.start(i), this.end(i)));
    return out;
  }
}
