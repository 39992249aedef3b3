// Byte-pair encoding with ranked merges (HF's BPE model). Byte-level input (GPT-2) takes a fast path:
// UTF-8 bytes straight to byte-token ids, merges looked up in an integer pair table, results cached
// per word, so that no strings are built in the hot loop.
import { TokenizerError, TokenizerFormatError, UnsupportedComponentError } from '../errors.js';
import { badValue, describe, Fields, quote } from '../io/untrusted.js';
import { BYTE_TO_CHAR, toByteLevel } from '../unicode/byte-level-alphabet.js';
import { VocabModel, type Model, type ModelJSON } from './model.js';
import { PairTable } from './pair-table.js';
import { TokenList } from './token-list.js';

/** Options of {@link BPE}; field names follow HF's `BPE` model. */
export interface BPEOptions {
  /** token → id. */
  vocab: Map<string, number> | Record<string, number>;
  /** Merges in rank order, as pairs or as HF's older `"a b"` strings. */
  merges: ReadonlyArray<readonly [string, string]> | readonly string[];
  /**
   * Token for characters missing from the vocabulary; without one they are dropped (as in HF). One that
   * is not in the vocabulary loads (as in HF) and makes encoding an unknown character an error.
   */
  unkToken?: string | null;
  /** Prefix of tokens that continue a word (WordPiece-style BPE), e.g. `'##'`. */
  continuingSubwordPrefix?: string | null;
  /** Suffix of tokens that end a word, e.g. `'</w>'`. */
  endOfWordSuffix?: string | null;
  /** Merge consecutive unknown characters into one unk token. */
  fuseUnk?: boolean;
  /** Spell unknown characters as `<0xNN>` byte tokens when those exist (Llama-style). */
  byteFallback?: boolean;
  /** Look whole words up in the vocabulary before merging. */
  ignoreMerges?: boolean;
  /** Words cached (word → ids); 0 disables the cache. Default 65 536. */
  cacheCapacity?: number;
  /** Where the options came from, for error messages (e.g. `'model'` of a tokenizer.json). */
  where?: string;
}

type CacheEntry = number | { ids: Int32Array; starts: Int32Array; ends: Int32Array };

/** Largest piece (UTF-16 units) that the cache keeps. */
const MAX_CACHED_WORD = 256;
/** Above this many symbols the merge loop switches from rescanning to a heap. */
const HEAP_THRESHOLD = 48;

/**
 * Byte-pair encoding model.
 * @example
 * const bpe = new BPE({ vocab: { a: 0, b: 1, ab: 2 }, merges: [['a', 'b']] });
 */
export class BPE extends VocabModel implements Model {
  readonly type = 'BPE';
  readonly unkToken: string | null;
  readonly continuingSubwordPrefix: string | null;
  readonly endOfWordSuffix: string | null;
  readonly fuseUnk: boolean;
  readonly byteFallback: boolean;
  readonly ignoreMerges: boolean;
  /** Merges in rank order. */
  readonly merges: ReadonlyArray<readonly [string, string]>;
  /** How the merges were written in the tokenizer.json this came from ('pairs' by default). */
  mergesFormat: 'pairs' | 'strings' = 'pairs';

  private readonly ranks: PairTable;
  private readonly mergedId: Int32Array;
  /** id of each byte's character token, or -1. */
  private readonly byteIds: Int32Array;
  private readonly unkId: number;
  private readonly cacheCapacity: number;
  private cache = new Map<string, CacheEntry>();

  constructor(options: BPEOptions) {
    super(options.vocab, `${options.where ?? 'BPE'}.vocab`);
    this.unkToken = options.unkToken ?? null;
    this.continuingSubwordPrefix = options.continuingSubwordPrefix ?? null;
    this.endOfWordSuffix = options.endOfWordSuffix ?? null;
    this.fuseUnk = options.fuseUnk ?? false;
    this.byteFallback = options.byteFallback ?? false;
    this.ignoreMerges = options.ignoreMerges ?? false;
    this.cacheCapacity = options.cacheCapacity ?? 65_536;
    this.unkId = this.unkToken === null ? -1 : (this.vocab.get(this.unkToken) ?? -1);

    const merges = readMerges(options.merges, (format) => (this.mergesFormat = format));
    this.merges = merges;
    this.ranks = new PairTable(merges.length);
    this.mergedId = new Int32Array(merges.length);
    for (let rank = 0; rank < merges.length; rank++) {
      const [a, b] = merges[rank]!;
      const idA = this.vocab.get(a);
      const idB = this.vocab.get(b);
      const merged = a + withoutPrefix(b, this.continuingSubwordPrefix, rank);
      const idM = this.vocab.get(merged);
      if (idA === undefined || idB === undefined || idM === undefined) {
        const missing = idA === undefined ? a : idB === undefined ? b : merged;
        throw new TokenizerFormatError(`BPE merge ${rank} (${quote(a)}, ${quote(b)}): token ${quote(missing)} is not in the vocabulary`);
      }
      // A repeated merge keeps its first (lowest) rank, as HF does.
      if (this.ranks.setIfAbsent(idA, idB, rank)) this.mergedId[rank] = idM;
    }
    this.byteIds = new Int32Array(256);
    for (let b = 0; b < 256; b++) this.byteIds[b] = this.vocab.get(BYTE_TO_CHAR[b]!) ?? -1;
  }

  /** True when pieces can go straight from UTF-8 bytes to ids (no prefix/suffix decorations). */
  get supportsBytes(): boolean {
    return !this.continuingSubwordPrefix && !this.endOfWordSuffix;
  }

  /** Drops cached words (the cache is also bounded by `cacheCapacity`). */
  clearCache(): void {
    this.cache.clear();
  }

  /**
   * Byte-level fast path: tokenizes text[start, end) read as UTF-8 bytes, appending ids with offsets in
   * `text` (a token that ends inside a character spans the whole character, as in HF).
   */
  tokenizeBytes(text: string, start: number, end: number, out: TokenList): void {
    const cacheable = this.cacheCapacity > 0 && end - start <= MAX_CACHED_WORD;
    let key = '';
    if (cacheable) {
      key = text.substring(start, end);
      const hit = this.cache.get(key);
      if (hit !== undefined) {
        if (typeof hit === 'number') out.push(hit, start, end);
        else for (let i = 0; i < hit.ids.length; i++) out.push(hit.ids[i]!, start + hit.starts[i]!, start + hit.ends[i]!);
        return;
      }
    }
    const local = scratch;
    local.length = 0;
    this.encodePieceBytes(text, start, end, local);
    if (cacheable) {
      if (this.cache.size >= this.cacheCapacity) this.cache.clear();
      if (local.length === 1 && local.starts[0] === 0 && local.ends[0] === end - start) this.cache.set(key, local.ids[0]!);
      else
        this.cache.set(key, {
          ids: local.ids.slice(0, local.length),
          starts: local.starts.slice(0, local.length),
          ends: local.ends.slice(0, local.length),
        });
    }
    for (let i = 0; i < local.length; i++) out.push(local.ids[i]!, start + local.starts[i]!, start + local.ends[i]!);
  }

  /** Tokenizes a word given as a string of vocabulary characters (HF's generic path). */
  tokenize(word: string, base: number, out: TokenList): void {
    if (word.length === 0) return;
    if (this.ignoreMerges) {
      const id = this.vocab.get(word);
      if (id !== undefined) {
        out.push(id, base, base + word.length);
        return;
      }
    }
    // Initial symbols: one per code point, decorated with prefix/suffix.
    const symIds: number[] = [];
    const symStarts: number[] = [];
    const symEnds: number[] = [];
    const prefix = this.continuingSubwordPrefix ?? '';
    const suffix = this.endOfWordSuffix ?? '';
    let lastWasUnk = false;
    for (let i = 0; i < word.length; ) {
      const cp = word.codePointAt(i)!;
      const size = cp > 0xffff ? 2 : 1;
      let s = word.slice(i, i + size);
      if (i > 0) s = prefix + s;
      if (i + size === word.length) s += suffix;
      const id = this.vocab.get(s);
      if (id !== undefined) {
        symIds.push(id);
        symStarts.push(i);
        symEnds.push(i + size);
        lastWasUnk = false;
      } else if (this.byteFallback && this.pushByteFallback(word.slice(i, i + size), i, i + size, symIds, symStarts, symEnds)) {
        lastWasUnk = false;
      } else if (this.unkToken !== null) {
        if (this.unkId < 0) throw this.missingUnk();
        if (this.fuseUnk && lastWasUnk) symEnds[symEnds.length - 1] = i + size;
        else {
          symIds.push(this.unkId);
          symStarts.push(i);
          symEnds.push(i + size);
        }
        lastWasUnk = true;
      }
      i += size;
    }
    const local = scratch;
    local.length = 0;
    local.grow(symIds.length);
    for (let i = 0; i < symIds.length; i++) {
      local.ids[i] = symIds[i]!;
      local.starts[i] = symStarts[i]!;
      local.ends[i] = symEnds[i]!;
    }
    local.length = this.merge(local.ids, local.starts, local.ends, symIds.length);
    for (let i = 0; i < local.length; i++) out.push(local.ids[i]!, base + local.starts[i]!, base + local.ends[i]!);
  }

  private missingUnk(): TokenizerError {
    return new TokenizerError(`BPE: an unknown character needs unk_token ${quote(this.unkToken!)}, which is not in the vocabulary`);
  }

  private pushByteFallback(ch: string, start: number, end: number, ids: number[], starts: number[], ends: number[]): boolean {
    const bytes = new TextEncoder().encode(ch);
    const found: number[] = [];
    for (const b of bytes) {
      const id = this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
      if (id === undefined) return false;
      found.push(id);
    }
    for (const id of found) {
      ids.push(id);
      starts.push(start);
      ends.push(end);
    }
    return true;
  }

  /** UTF-8 bytes of text[start, end) → merged tokens in `out`, offsets relative to `start`. */
  private encodePieceBytes(text: string, start: number, end: number, out: TokenList): void {
    // Worst case 3 bytes per UTF-16 unit; symbols record the UTF-16 span of their character.
    out.grow(3 * (end - start) + 4);
    const ids = out.ids;
    const starts = out.starts;
    const ends = out.ends;
    const byteIds = this.byteIds;
    let n = 0;
    const emit = (b: number, s: number, e: number): void => {
      const id = byteIds[b]!;
      if (id >= 0) {
        ids[n] = id;
        starts[n] = s;
        ends[n++] = e;
      } else if (this.unkToken !== null) {
        if (this.unkId < 0) throw this.missingUnk();
        if (!(this.fuseUnk && n > 0 && ids[n - 1] === this.unkId)) {
          ids[n] = this.unkId;
          starts[n++] = s;
        }
        ends[n - 1] = e;
      }
    };
    for (let i = start; i < end; ) {
      let c = text.charCodeAt(i);
      const s = i - start;
      if (c < 0x80) {
        emit(c, s, s + 1);
        i++;
      } else if (c < 0x800) {
        emit(0xc0 | (c >> 6), s, s + 1);
        emit(0x80 | (c & 63), s, s + 1);
        i++;
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        c = (c - 0xd800) * 0x400 + (text.charCodeAt(i + 1) - 0xdc00) + 0x10000;
        emit(0xf0 | (c >> 18), s, s + 2);
        emit(0x80 | ((c >> 12) & 63), s, s + 2);
        emit(0x80 | ((c >> 6) & 63), s, s + 2);
        emit(0x80 | (c & 63), s, s + 2);
        i += 2;
      } else {
        // A lone surrogate is encoded as U+FFFD, as TextEncoder (and so js-tiktoken) does.
        if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
        emit(0xe0 | (c >> 12), s, s + 1);
        emit(0x80 | ((c >> 6) & 63), s, s + 1);
        emit(0x80 | (c & 63), s, s + 1);
        i++;
      }
    }
    if (this.ignoreMerges) {
      const whole = this.vocab.get(toByteLevel(text.slice(start, end)));
      if (whole !== undefined) {
        ids[0] = whole;
        starts[0] = 0;
        ends[0] = end - start;
        out.length = 1;
        return;
      }
    }
    out.length = this.merge(ids, starts, ends, n);
  }

  /** Applies merges in rank order to symbols [0, n); returns the new count. */
  private merge(ids: Int32Array, starts: Int32Array, ends: Int32Array, n: number): number {
    if (n < 2) return n;
    if (n > HEAP_THRESHOLD) return this.mergeWithHeap(ids, starts, ends, n);
    const ranks = this.ranks;
    const mergedId = this.mergedId;
    // pairRank[i] is the rank of (ids[i], ids[i+1]); rescanning a short word beats any bookkeeping.
    const pairRank = rankScratch;
    for (let i = 0; i < n - 1; i++) pairRank[i] = ranks.get(ids[i]!, ids[i + 1]!);
    for (;;) {
      let best = -1;
      let bestRank = 0x7fffffff;
      for (let i = 0; i < n - 1; i++) {
        const r = pairRank[i]!;
        if (r >= 0 && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) return n;
      ids[best] = mergedId[bestRank]!;
      ends[best] = ends[best + 1]!;
      for (let i = best + 1; i < n - 1; i++) {
        ids[i] = ids[i + 1]!;
        starts[i] = starts[i + 1]!;
        ends[i] = ends[i + 1]!;
        pairRank[i] = pairRank[i + 1]!;
      }
      n--;
      if (best > 0) pairRank[best - 1] = ranks.get(ids[best - 1]!, ids[best]!);
      if (best < n - 1) pairRank[best] = ranks.get(ids[best]!, ids[best + 1]!);
    }
  }

  /** The same merge order for long words: a linked list of symbols and a heap of (rank, position). */
  private mergeWithHeap(ids: Int32Array, starts: Int32Array, ends: Int32Array, n: number): number {
    const ranks = this.ranks;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    next[n - 1] = -1;
    const alive = new Uint8Array(n).fill(1);
    // Heap keys: rank * 2^31 + position, exact in a double for ranks below 2^21.
    const heap = new MinHeap();
    const P = 2 ** 31;
    for (let i = 0; i < n - 1; i++) {
      const r = ranks.get(ids[i]!, ids[i + 1]!);
      if (r >= 0) heap.push(r * P + i);
    }
    while (heap.size > 0) {
      const key = heap.pop();
      const rank = Math.floor(key / P);
      const i = key - rank * P;
      const j = next[i]!;
      if (!alive[i] || j < 0 || ranks.get(ids[i]!, ids[j]!) !== rank) continue;
      ids[i] = this.mergedId[rank]!;
      ends[i] = ends[j]!;
      alive[j] = 0;
      const k = next[j]!;
      next[i] = k;
      if (k >= 0) prev[k] = i;
      const p = prev[i]!;
      if (p >= 0) {
        const r = ranks.get(ids[p]!, ids[i]!);
        if (r >= 0) heap.push(r * P + p);
      }
      if (k >= 0) {
        const r = ranks.get(ids[i]!, ids[k]!);
        if (r >= 0) heap.push(r * P + i);
      }
    }
    let m = 0;
    for (let i = 0; i >= 0; i = next[i]!) {
      ids[m] = ids[i]!;
      starts[m] = starts[i]!;
      ends[m++] = ends[i]!;
    }
    return m;
  }

  toJSON(): ModelJSON {
    const vocab: Record<string, number> = {};
    const sorted = [...this.vocab].sort((x, y) => x[1] - y[1]);
    for (const [token, id] of sorted) vocab[token] = id;
    return {
      type: this.type,
      dropout: null,
      unk_token: this.unkToken,
      continuing_subword_prefix: this.continuingSubwordPrefix,
      end_of_word_suffix: this.endOfWordSuffix,
      fuse_unk: this.fuseUnk,
      byte_fallback: this.byteFallback,
      ignore_merges: this.ignoreMerges,
      vocab,
      merges: this.mergesFormat === 'strings' ? this.merges.map(([a, b]) => `${a} ${b}`) : this.merges.map(([a, b]) => [a, b]),
    };
  }

  /** Parses HF's form. @throws TokenizerFormatError naming a malformed field. */
  static fromJSON(json: ModelJSON, where = 'model'): BPE {
    const node = new Fields(json, where);
    const dropout = node.raw('dropout');
    if (dropout !== null && dropout !== undefined) {
      if (typeof dropout !== 'number') throw badValue(`${where}.dropout`, 'null or a number', dropout);
      throw new UnsupportedComponentError('model BPE', `dropout ${dropout} (only null is supported)`);
    }
    const vocab = node.raw('vocab');
    if (vocab === null || typeof vocab !== 'object' || Array.isArray(vocab)) throw badValue(`${where}.vocab`, 'a {token: id} object', vocab);
    return new BPE({
      vocab: vocab as Record<string, number>,
      merges: node.array('merges') as string[],
      unkToken: node.nullableString('unk_token', null),
      continuingSubwordPrefix: node.nullableString('continuing_subword_prefix', null),
      endOfWordSuffix: node.nullableString('end_of_word_suffix', null),
      // HF reads these three as optional: missing or null is false.
      fuseUnk: node.nullableBool('fuse_unk', null) ?? false,
      byteFallback: node.nullableBool('byte_fallback', null) ?? false,
      ignoreMerges: node.nullableBool('ignore_merges', null) ?? false,
      where,
    });
  }
}

/**
 * Merges as pairs, from `[a, b]` pairs or HF's older `"a b"` strings (exactly one space, as HF splits
 * them). @throws TokenizerFormatError naming the merge.
 */
function readMerges(merges: readonly unknown[], setFormat: (format: 'pairs' | 'strings') => void): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = new Array(merges.length);
  // HF reads the list as all "a b" strings or all pairs, never a mix.
  const strings = typeof merges[0] === 'string';
  for (let rank = 0; rank < merges.length; rank++) {
    const m = merges[rank];
    if (strings !== (typeof m === 'string')) throw new TokenizerFormatError(`BPE merge ${rank}: expected ${strings ? 'a string "a b"' : 'a pair ["a", "b"]'} like merge 0, got ${describe(m)}`);
    if (typeof m === 'string') {
      setFormat('strings');
      const space = m.indexOf(' ');
      if (space < 0 || m.indexOf(' ', space + 1) >= 0) throw new TokenizerFormatError(`BPE merge ${rank}: expected "a b" (two tokens, one space), got ${describe(m)}`);
      out[rank] = [m.slice(0, space), m.slice(space + 1)];
    } else if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') {
      out[rank] = m as [string, string];
    } else {
      throw new TokenizerFormatError(`BPE merge ${rank}: expected a pair of tokens ["a", "b"] or "a b", got ${describe(m)}`);
    }
  }
  return out;
}

/**
 * `b` without its first `prefix.length` UTF-8 bytes, as HF builds a merged token: it cuts whether or not
 * `b` starts with the prefix (and fails when the cut is past the end or inside a character).
 */
function withoutPrefix(b: string, prefix: string | null, rank: number): string {
  if (prefix === null || prefix.length === 0) return b;
  if (b.startsWith(prefix)) return b.slice(prefix.length);
  const bytes = utf8Encoder.encode(b);
  const cut = utf8Encoder.encode(prefix).length;
  if (cut > bytes.length || (cut < bytes.length && (bytes[cut]! & 0xc0) === 0x80)) {
    throw new TokenizerFormatError(`BPE merge ${rank}: token ${quote(b)} is shorter than continuing_subword_prefix ${quote(prefix)}`);
  }
  return utf8Decoder.decode(bytes.subarray(cut));
}
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

const scratch = new TokenList(1024);
const rankScratch = new Int32Array(HEAP_THRESHOLD + 1);

/** A binary min-heap of doubles. */
class MinHeap {
  private data: number[] = [];
  get size(): number {
    return this.data.length;
  }
  push(x: number): void {
    const d = this.data;
    let i = d.length;
    d.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (d[p]! <= x) break;
      d[i] = d[p]!;
      i = p;
    }
    d[i] = x;
  }
  pop(): number {
    const d = this.data;
    const top = d[0]!;
    const last = d.pop()!;
    if (d.length > 0) {
      let i = 0;
      const n = d.length;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && d[c + 1]! < d[c]!) c++;
        if (d[c]! >= last) break;
        d[i] = d[c]!;
        i = c;
      }
      d[i] = last;
    }
    return top;
  }
}
