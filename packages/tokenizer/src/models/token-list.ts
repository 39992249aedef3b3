// A growable list of token ids with [start, end) offsets: what models append to while encoding.

/** Token ids and their offsets, in typed arrays that grow by doubling. */
export class TokenList {
  ids: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  length = 0;

  constructor(capacity = 64) {
    this.ids = new Int32Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
  }

  push(id: number, start: number, end: number): void {
    if (this.length === this.ids.length) this.grow(this.length * 2);
    const n = this.length++;
    this.ids[n] = id;
    this.starts[n] = start;
    this.ends[n] = end;
  }

  grow(capacity: number): void {
    if (capacity <= this.ids.length) return;
    const ids = new Int32Array(capacity);
    ids.set(this.ids);
    this.ids = ids;
    const starts = new Int32Array(capacity);
    starts.set(this.starts);
    this.starts = starts;
    const ends = new Int32Array(capacity);
    ends.set(this.ends);
    this.ends = ends;
  }
}
