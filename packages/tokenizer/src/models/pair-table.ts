// An open-addressing hash table keyed on a pair of token ids, for BPE merge ranks: no string keys,
// no boxed numbers, one multiply-xor hash per lookup.

/** (a, b) → non-negative value; `get` returns -1 when absent. */
export class PairTable {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 16) {
    let cap = 16;
    while (cap < expected * 2) cap <<= 1;
    this.keysA = new Int32Array(cap).fill(-1);
    this.keysB = new Int32Array(cap);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
  }

  private slot(a: number, b: number): number {
    const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
    return (h ^ (h >>> 15)) >>> 0;
  }

  get(a: number, b: number): number {
    const mask = this.mask;
    let i = this.slot(a, b) & mask;
    for (;;) {
      const ka = this.keysA[i]!;
      if (ka === -1) return -1;
      if (ka === a && this.keysB[i] === b) return this.values[i]!;
      i = (i + 1) & mask;
    }
  }

  /** Sets (a, b) → value unless already present; returns false when it was present. */
  setIfAbsent(a: number, b: number, value: number): boolean {
    if ((this.size + 1) * 2 > this.keysA.length) this.rehash();
    const mask = this.mask;
    let i = this.slot(a, b) & mask;
    for (;;) {
      const ka = this.keysA[i]!;
      if (ka === -1) break;
      if (ka === a && this.keysB[i] === b) return false;
      i = (i + 1) & mask;
    }
    this.keysA[i] = a;
    this.keysB[i] = b;
    this.values[i] = value;
    this.size++;
    return true;
  }

  private rehash(): void {
    const { keysA, keysB, values } = this;
    const cap = keysA.length * 2;
    this.keysA = new Int32Array(cap).fill(-1);
    this.keysB = new Int32Array(cap);
    this.values = new Int32Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < keysA.length; i++) if (keysA[i] !== -1) this.setIfAbsent(keysA[i]!, keysB[i]!, values[i]!);
  }
}
