// Added tokens (special or not): matched in the text before the model sees it, so that
// "<|endoftext|>" or "[MASK]" is one token whatever the model would make of it.
import { AddedTokenTrie } from './added-token-trie.js';
import { charClass, WHITE_SPACE, WORD } from './unicode/char-classes.js';

/** Largest id table `specialFlags` allocates (a hostile file may use ids up to 2^31). */
export const SPECIAL_TABLE_LIMIT = 1 << 24;

/** An added token, with HF's flags. */
export interface AddedToken {
  content: string;
  /** Special tokens are skipped by `decode` and marked in the special-tokens mask. Default false. */
  special?: boolean;
  /** Match only as a whole word. Default false. */
  singleWord?: boolean;
  /** Swallow whitespace on the left. Default false. */
  lstrip?: boolean;
  /** Swallow whitespace on the right. Default false. */
  rstrip?: boolean;
  /** Match in normalized text rather than raw text. Default: `!special`. */
  normalized?: boolean;
}

/** tokenizer.json's `added_tokens` entry. */
export interface AddedTokenJSON {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** A match of an added token: [start, end) in the searched text and the token id. */
export interface AddedMatch {
  start: number;
  end: number;
  id: number;
}

interface Entry extends Required<AddedToken> {
  id: number;
}

/** The added tokens of a tokenizer. */
export class AddedVocabulary {
  private readonly entries: Entry[] = [];
  private readonly byContent = new Map<string, Entry>();
  private readonly byId = new Map<number, Entry>();
  private rawTrie: AddedTokenTrie | null = null;
  private specialFlagTable: Uint8Array | null = null;
  private normalizedTrie: AddedTokenTrie | null = null;
  private largestId = -1;

  get size(): number {
    return this.entries.length;
  }

  /** Adds a token with a given id (an existing vocabulary id or a new one); returns false if present. */
  add(token: AddedToken, id: number): boolean {
    const existing = this.byContent.get(token.content);
    if (existing) {
      if (token.special) existing.special = true;
      this.specialFlagTable = null;
      return false;
    }
    const special = token.special ?? false;
    const entry: Entry = {
      content: token.content,
      special,
      singleWord: token.singleWord ?? false,
      lstrip: token.lstrip ?? false,
      rstrip: token.rstrip ?? false,
      normalized: token.normalized ?? !special,
      id,
    };
    this.entries.push(entry);
    this.byContent.set(entry.content, entry);
    this.byId.set(id, entry);
    this.rawTrie = this.normalizedTrie = null;
    this.specialFlagTable = null;
    this.largestId = Math.max(this.largestId, id);
    return true;
  }

  tokenToId(content: string): number | undefined {
    return this.byContent.get(content)?.id;
  }
  idToToken(id: number): string | undefined {
    return this.byId.get(id)?.content;
  }
  /**
   * `flags[id]` is 1 for special tokens: a per-token lookup without hashing. Ids at or past the table's
   * end are not special, except beyond SPECIAL_TABLE_LIMIT, where callers ask `isSpecial`.
   */
  specialFlags(): Uint8Array {
    if (this.specialFlagTable === null) {
      const flags = new Uint8Array(Math.min(this.maxId() + 1, SPECIAL_TABLE_LIMIT));
      for (const e of this.entries) if (e.special && e.id < flags.length) flags[e.id] = 1;
      this.specialFlagTable = flags;
    }
    return this.specialFlagTable;
  }
  isSpecial(id: number): boolean {
    return this.byId.get(id)?.special ?? false;
  }
  /** Largest id used by an added token, or -1. */
  maxId(): number {
    return this.largestId;
  }
  /** Special token contents. */
  specialTokens(): string[] {
    return this.entries.filter((e) => e.special).map((e) => e.content);
  }

  /** Gives every token a new id (after the model changed): `idOf(content)` or the next free id. */
  reassign(idOf: (content: string) => number | undefined, firstFree: number): void {
    const entries = [...this.entries];
    this.entries.length = 0;
    this.byContent.clear();
    this.byId.clear();
    this.largestId = -1;
    let next = firstFree;
    for (const e of entries) this.add(e, idOf(e.content) ?? next++);
  }

  /**
   * Matches of tokens with `normalized` equal to the argument: HF's leftmost-longest scan. A
   * single-word token that touches a word character is skipped (the scan goes on after it, as HF's).
   */
  find(text: string, normalized: boolean): AddedMatch[] {
    const trie = this.trie(normalized);
    if (trie === null) return [];
    const out: AddedMatch[] = [];
    const first = trie.firstUnits;
    const n = text.length;
    let floor = 0;
    for (let i = 0; i < n; ) {
      while (i < n && first[text.charCodeAt(i)] === 0) i++;
      if (i >= n) break;
      const hit = trie.longestAt(text, i);
      if (hit === null || splitsPair(text, i) || splitsPair(text, hit[1])) {
        i++;
        continue;
      }
      const entry = this.entries[hit[0]]!;
      let start = i;
      let end = hit[1];
      i = end;
      if (entry.singleWord && (isWordAt(text, start - 1) || isWordAt(text, end))) continue;
      if (entry.lstrip) while (start > floor && charClass(text.charCodeAt(start - 1)) & WHITE_SPACE) start--;
      if (entry.rstrip) while (end < text.length && charClass(text.charCodeAt(end)) & WHITE_SPACE) end++;
      out.push({ start, end, id: entry.id });
      floor = i = end;
    }
    return out;
  }

  private trie(normalized: boolean): AddedTokenTrie | null {
    const cached = normalized ? this.normalizedTrie : this.rawTrie;
    if (cached) return cached.size > 0 ? cached : null;
    const trie = new AddedTokenTrie();
    this.entries.forEach((e, index) => {
      if (e.normalized === normalized) trie.insert(e.content, index);
    });
    if (normalized) this.normalizedTrie = trie;
    else this.rawTrie = trie;
    return trie.size > 0 ? trie : null;
  }

  toJSON(): AddedTokenJSON[] {
    return [...this.entries]
      .sort((a, b) => a.id - b.id)
      .map((e) => ({
        id: e.id,
        content: e.content,
        single_word: e.singleWord,
        lstrip: e.lstrip,
        rstrip: e.rstrip,
        normalized: e.normalized,
        special: e.special,
      }));
  }
}

function isWordAt(text: string, i: number): boolean {
  return i >= 0 && i < text.length && (charClass(text.charCodeAt(i)) & WORD) !== 0;
}

/** True when position i falls between the two halves of a surrogate pair. */
function splitsPair(text: string, i: number): boolean {
  return i > 0 && i < text.length && (text.charCodeAt(i) & 0xfc00) === 0xdc00 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800;
}
