// Added tokens (special or not): matched in the text before the model sees it, so that
// "<|endoftext|>" or "[MASK]" is one token whatever the model would make of it.
import { TokenizerConfigError } from './errors.js';
import { charClass, WHITE_SPACE, WORD } from './unicode/char-classes.js';

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
  private rawPattern: RegExp | null = null;
  private specialFlagTable: Uint8Array | null = null;
  private normalizedPattern: RegExp | null = null;

  get size(): number {
    return this.entries.length;
  }

  /** Adds a token with a given id (an existing vocabulary id or a new one); returns false if present. */
  add(token: AddedToken, id: number): boolean {
    if (token.content.length === 0) throw new TokenizerConfigError('added token content must not be empty');
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
    this.rawPattern = this.normalizedPattern = null;
    this.specialFlagTable = null;
    return true;
  }

  tokenToId(content: string): number | undefined {
    return this.byContent.get(content)?.id;
  }
  idToToken(id: number): string | undefined {
    return this.byId.get(id)?.content;
  }
  /** `flags[id]` is 1 for special tokens (ids past the end are not special): a per-token lookup without hashing. */
  specialFlags(): Uint8Array {
    if (this.specialFlagTable === null) {
      const flags = new Uint8Array(this.maxId() + 1);
      for (const e of this.entries) if (e.special) flags[e.id] = 1;
      this.specialFlagTable = flags;
    }
    return this.specialFlagTable;
  }
  isSpecial(id: number): boolean {
    return this.byId.get(id)?.special ?? false;
  }
  /** Largest id used by an added token, or -1. */
  maxId(): number {
    let m = -1;
    for (const e of this.entries) m = Math.max(m, e.id);
    return m;
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
    let next = firstFree;
    for (const e of entries) this.add(e, idOf(e.content) ?? next++);
  }

  /** Matches of tokens with `normalized` equal to the argument, left to right, longest first. */
  find(text: string, normalized: boolean): AddedMatch[] {
    const re = this.pattern(normalized);
    if (re === null) return [];
    const out: AddedMatch[] = [];
    re.lastIndex = 0;
    let floor = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const entry = this.byContent.get(m[0])!;
      let start = m.index;
      let end = start + m[0].length;
      if (entry.singleWord && (isWordAt(text, start - 1) || isWordAt(text, end))) {
        re.lastIndex = start + 1;
        continue;
      }
      if (entry.lstrip) while (start > floor && charClass(text.charCodeAt(start - 1)) & WHITE_SPACE) start--;
      if (entry.rstrip) while (end < text.length && charClass(text.charCodeAt(end)) & WHITE_SPACE) end++;
      out.push({ start, end, id: entry.id });
      floor = end;
      re.lastIndex = end;
    }
    return out;
  }

  private pattern(normalized: boolean): RegExp | null {
    const cached = normalized ? this.normalizedPattern : this.rawPattern;
    if (cached) return cached;
    const contents = this.entries.filter((e) => e.normalized === normalized).map((e) => e.content);
    if (contents.length === 0) return null;
    contents.sort((a, b) => b.length - a.length);
    const re = new RegExp(contents.map(escapeRegExp).join('|'), 'gu');
    if (normalized) this.normalizedPattern = re;
    else this.rawPattern = re;
    return re;
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

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\\/-]/g, '\\$&');
}
