// BPE training: start from characters, repeatedly merge the most frequent adjacent pair. Pair counts
// are updated incrementally (only words containing the merged pair are touched) and ties are broken
// by token ids, so the result is deterministic.
import { TokenizerConfigError } from '../errors.js';
import { BPE } from '../models/bpe.js';
import type { Trainer, WordCounts } from './trainer.js';

/** Options of {@link BpeTrainer}, with HF's names and defaults. */
export interface BpeTrainerOptions {
  /** Target vocabulary size, special tokens and alphabet included. Default 30 000. */
  vocabSize?: number;
  /** A pair seen fewer times than this is never merged. Default 0. */
  minFrequency?: number;
  /** Placed first in the vocabulary, in this order. */
  specialTokens?: readonly string[];
  /** Characters always in the alphabet (for byte-level BPE: `byteLevelAlphabet()`). */
  initialAlphabet?: readonly string[];
  /** Keep at most this many characters (the most frequent; the initial alphabet always stays). */
  limitAlphabet?: number | null;
  /** Prefix of non-initial pieces (`'##'` for WordPiece-style training). */
  continuingSubwordPrefix?: string | null;
  /** Suffix marking the last piece of a word (e.g. `'</w>'`). */
  endOfWordSuffix?: string | null;
  /** Never create tokens longer than this many characters. */
  maxTokenLength?: number | null;
}

/** Key of pair (a, b); ids stay below 2^21 so the key is an exact double. */
const SHIFT = 2 ** 21;

interface HeapEntry {
  count: number;
  a: number;
  b: number;
}

/**
 * Trains a byte-pair encoding.
 * @example
 * const trainer = new BpeTrainer({ vocabSize: 8000, specialTokens: ['<|endoftext|>'], initialAlphabet: byteLevelAlphabet() });
 * await tokenizer.train(readTextFiles('corpus.txt'), trainer);
 */
export class BpeTrainer implements Trainer {
  readonly vocabSize: number;
  readonly minFrequency: number;
  readonly specialTokens: readonly string[];
  readonly initialAlphabet: readonly string[];
  readonly limitAlphabet: number | null;
  readonly continuingSubwordPrefix: string | null;
  readonly endOfWordSuffix: string | null;
  readonly maxTokenLength: number | null;

  constructor(options: BpeTrainerOptions = {}) {
    this.vocabSize = options.vocabSize ?? 30_000;
    this.minFrequency = options.minFrequency ?? 0;
    this.specialTokens = options.specialTokens ?? [];
    this.initialAlphabet = options.initialAlphabet ?? [];
    this.limitAlphabet = options.limitAlphabet ?? null;
    this.continuingSubwordPrefix = options.continuingSubwordPrefix ?? null;
    this.endOfWordSuffix = options.endOfWordSuffix ?? null;
    this.maxTokenLength = options.maxTokenLength ?? null;
    if (!Number.isInteger(this.vocabSize) || this.vocabSize < 1 || this.vocabSize >= SHIFT) {
      throw new TokenizerConfigError(`BpeTrainer vocabSize must be an integer in [1, ${SHIFT}), got ${this.vocabSize}`);
    }
  }

  train(words: WordCounts): BPE {
    const { vocab, merges } = this.learn(words);
    return new BPE({
      vocab,
      merges,
      continuingSubwordPrefix: this.continuingSubwordPrefix,
      endOfWordSuffix: this.endOfWordSuffix,
    });
  }

  /** The learned vocabulary (token → id) and merges, before they become a model. */
  learn(words: WordCounts): { vocab: Map<string, number>; merges: Array<[string, string]> } {
    const tokens: string[] = [];
    const vocab = new Map<string, number>();
    const addToken = (t: string): number => {
      let id = vocab.get(t);
      if (id === undefined) {
        id = tokens.length;
        vocab.set(t, id);
        tokens.push(t);
      }
      return id;
    };
    for (const t of this.specialTokens) addToken(t);

    const entries = [...words].filter(([w, n]) => w.length > 0 && n > 0).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    for (const ch of this.alphabet(entries)) addToken(ch);

    // Words as arrays of symbol ids.
    const prefix = this.continuingSubwordPrefix ?? '';
    const suffix = this.endOfWordSuffix ?? '';
    const syms: Int32Array[] = [];
    const lens: number[] = [];
    const counts: number[] = [];
    for (const [word, count] of entries) {
      const chars = Array.from(word);
      const ids: number[] = [];
      chars.forEach((ch, i) => {
        if (!vocab.has(ch)) return; // dropped by limitAlphabet
        let s = ch;
        if (i > 0) s = prefix + s;
        if (i === chars.length - 1) s += suffix;
        ids.push(addToken(s));
      });
      syms.push(Int32Array.from(ids));
      lens.push(ids.length);
      counts.push(count);
    }

    // Pair statistics.
    const pairCount = new Map<number, number>();
    const pairWords = new Map<number, Set<number>>();
    for (let w = 0; w < syms.length; w++) {
      const s = syms[w]!;
      for (let i = 0; i + 1 < lens[w]!; i++) {
        const key = s[i]! * SHIFT + s[i + 1]!;
        pairCount.set(key, (pairCount.get(key) ?? 0) + counts[w]!);
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
    }
    const heap = new PairHeap();
    for (const [key, count] of pairCount) heap.push({ count, a: Math.floor(key / SHIFT), b: key % SHIFT });

    const merges: Array<[string, string]> = [];
    const prefixLength = prefix.length;
    while (tokens.length < this.vocabSize && heap.size > 0) {
      const top = heap.pop();
      const key = top.a * SHIFT + top.b;
      const current = pairCount.get(key) ?? 0;
      if (current !== top.count) {
        if (current > 0) heap.push({ count: current, a: top.a, b: top.b });
        continue;
      }
      if (current < this.minFrequency || current === 0) break;
      const tokA = tokens[top.a]!;
      const tokB = tokens[top.b]!;
      const merged = tokA + (prefixLength > 0 && tokB.startsWith(prefix) ? tokB.slice(prefixLength) : tokB);
      pairCount.delete(key);
      const where = pairWords.get(key);
      pairWords.delete(key);
      if (this.maxTokenLength !== null && Array.from(merged).length > this.maxTokenLength) continue;
      const m = addToken(merged);
      merges.push([tokA, tokB]);

      const touched = new Set<number>();
      const bump = (x: number, y: number, delta: number, w: number): void => {
        const k = x * SHIFT + y;
        const c = (pairCount.get(k) ?? 0) + delta;
        if (c === 0) pairCount.delete(k);
        else pairCount.set(k, c);
        if (delta > 0) {
          let set = pairWords.get(k);
          if (!set) pairWords.set(k, (set = new Set()));
          set.add(w);
          touched.add(k);
        }
      };
      for (const w of where ?? []) {
        const s = syms[w]!;
        let n = lens[w]!;
        const c = counts[w]!;
        for (let i = 0; i + 1 < n; i++) {
          if (s[i] !== top.a || s[i + 1] !== top.b) continue;
          if (i > 0) {
            bump(s[i - 1]!, top.a, -c, w);
            bump(s[i - 1]!, m, c, w);
          }
          if (i + 2 < n) {
            bump(top.b, s[i + 2]!, -c, w);
            bump(m, s[i + 2]!, c, w);
          }
          s[i] = m;
          s.copyWithin(i + 1, i + 2, n);
          n--;
        }
        lens[w] = n;
      }
      for (const k of touched) {
        const count = pairCount.get(k);
        if (count !== undefined && count > 0) heap.push({ count, a: Math.floor(k / SHIFT), b: k % SHIFT });
      }
    }
    return { vocab, merges };
  }

  /** Characters of the corpus (limited to the most frequent), plus the initial alphabet, by code point. */
  private alphabet(entries: ReadonlyArray<readonly [string, number]>): string[] {
    const freq = new Map<string, number>();
    for (const [word, count] of entries) for (const ch of word) freq.set(ch, (freq.get(ch) ?? 0) + count);
    for (const ch of this.initialAlphabet) freq.set(ch, Number.MAX_SAFE_INTEGER);
    let kept = [...freq];
    if (this.limitAlphabet !== null && kept.length > this.limitAlphabet) {
      kept.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
      kept = kept.slice(0, Math.max(this.limitAlphabet, this.initialAlphabet.length));
    }
    return kept.map(([ch]) => ch).sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!);
  }
}

/** Max-heap by count; ties go to the smaller (a, b). */
class PairHeap {
  private data: HeapEntry[] = [];
  get size(): number {
    return this.data.length;
  }
  private static before(x: HeapEntry, y: HeapEntry): boolean {
    return x.count !== y.count ? x.count > y.count : x.a !== y.a ? x.a < y.a : x.b < y.b;
  }
  push(e: HeapEntry): void {
    const d = this.data;
    let i = d.length;
    d.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!PairHeap.before(e, d[p]!)) break;
      d[i] = d[p]!;
      i = p;
    }
    d[i] = e;
  }
  pop(): HeapEntry {
    const d = this.data;
    const top = d[0]!;
    const last = d.pop()!;
    if (d.length > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= d.length) break;
        if (c + 1 < d.length && PairHeap.before(d[c + 1]!, d[c]!)) c++;
        if (!PairHeap.before(d[c]!, last)) break;
        d[i] = d[c]!;
        i = c;
      }
      d[i] = last;
    }
    return top;
  }
}
