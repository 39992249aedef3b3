// Reading untrusted JSON (tokenizer.json, vocab.json) field by field: every value is checked for type
// and range before use, with HF tokenizers' accept/reject rules, and errors quote at most a short
// prefix of the hostile value, so that a 50 MB string never lands in a message.
import { TokenizerFormatError } from '../errors.js';

/** Longest untrusted text quoted in a message. */
const QUOTE_LIMIT = 60;
/** Deepest nesting HF tokenizers reads (serde_json's recursion limit): the top-level object is depth 1. */
export const MAX_JSON_DEPTH = 127;

/** An untrusted string cut to a short prefix (for names such as a component type). */
export function clip(text: string): string {
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}… (${text.length} chars)` : text;
}

/** A short quotation of an untrusted string. */
export function quote(text: string): string {
  return JSON.stringify(text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text) + (text.length > QUOTE_LIMIT ? ` (${text.length} chars)` : '');
}

/** What a value is, in a few words, never in full. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing (missing)';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** A formatted "where: expected X, got Y" error. */
export function badValue(where: string, expected: string, value: unknown): TokenizerFormatError {
  return new TokenizerFormatError(`${where}: expected ${expected}, got ${describe(value)}`);
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A token id. HF reads a u32, an integer in [0, 2^32); llmkit keeps ids in Int32Arrays, so it also
 * rejects [2^31, 2^32) (with its own message), and never allocates a table that large.
 */
export function readId(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) throw badValue(where, 'a token id (an integer in [0, 2^32))', value);
  if (value > MAX_ID) throw new TokenizerFormatError(`${where}: id ${value} is too large (llmkit stores ids as 32-bit signed integers, at most ${MAX_ID})`);
  return value;
}

/** Largest token id llmkit accepts (Int32Array storage). */
export const MAX_ID = 0x7fffffff;

/**
 * Rejects values nested deeper than HF accepts (and cyclic objects passed in directly), without
 * recursion, before anything walks the value recursively.
 */
export function checkDepth(root: unknown, where: string, max = MAX_JSON_DEPTH): void {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > max) throw new TokenizerFormatError(`${where}: nested deeper than ${max} levels`);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (typeof value[i] === 'object' && value[i] !== null) stack.push([value[i], depth + 1]);
    } else {
      for (const key in value) {
        const v = (value as Record<string, unknown>)[key];
        if (typeof v === 'object' && v !== null) stack.push([v, depth + 1]);
      }
    }
  }
}

/**
 * HF reads most components as "tagged by `type`, else untagged": when the tagged form fails (unknown or
 * missing type, a bad field), it tries the variants that can be recognised by their fields alone.
 * Returns `read()`'s component, or null when the fields do not fit (any TokenizerFormatError).
 */
export function tryUntagged<T>(read: () => T): T | null {
  try {
    return read();
  } catch (e) {
    if (TokenizerFormatError.isInstance(e)) return null;
    throw e;
  }
}

/** The fields of one JSON object, read with type checks; `where` names the object in messages. */
export class Fields {
  readonly value: Record<string, unknown>;
  constructor(
    value: unknown,
    readonly where: string,
  ) {
    if (!isPlainObject(value)) throw badValue(where, 'an object', value);
    this.value = value;
  }

  private at(key: string): string {
    return `${this.where}.${key}`;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.value, key);
  }

  private get(key: string): unknown {
    return this.has(key) ? this.value[key] : undefined;
  }

  /** A boolean; `fallback` when missing (no fallback: the field is required). `"false"` is an error. */
  bool(key: string, fallback?: boolean): boolean {
    const v = this.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') throw badValue(this.at(key), 'true or false', v);
    return v;
  }

  /** A boolean or null. */
  nullableBool(key: string, fallback?: boolean | null): boolean | null {
    const v = this.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (v === null) return null;
    return this.bool(key);
  }

  string(key: string, fallback?: string): string {
    const v = this.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string') throw badValue(this.at(key), 'a string', v);
    return v;
  }

  nullableString(key: string, fallback?: string | null): string | null {
    const v = this.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (v === null) return null;
    return this.string(key);
  }

  /** A non-negative integer that fits HF's usize/u32 (`max` inclusive). */
  count(key: string, fallback?: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw badValue(this.at(key), `an integer in [0, ${max}]`, v);
    return v;
  }

  nullableCount(key: string, fallback?: number | null, max?: number): number | null {
    const v = this.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (v === null) return null;
    return this.count(key, undefined, max);
  }

  id(key: string): number {
    return readId(this.get(key), this.at(key));
  }

  /** One of the given strings. */
  oneOf<T extends string>(key: string, options: readonly T[], fallback?: T): T {
    const v = this.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) throw badValue(this.at(key), `one of ${options.join(', ')}`, v);
    return v as T;
  }

  array(key: string): unknown[] {
    const v = this.get(key);
    if (!Array.isArray(v)) throw badValue(this.at(key), 'an array', v);
    return v;
  }

  object(key: string): Fields {
    return new Fields(this.get(key), this.at(key));
  }

  /** The raw value, for fields read by their own parser. */
  raw(key: string): unknown {
    return this.get(key);
  }
}

/** Decodes UTF-8 bytes, rejecting invalid sequences with an error that names the file. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new TokenizerFormatError(`${file}: not valid UTF-8`);
  }
}
// ignoreBOM: a leading U+FEFF stays in the text, as Rust's from_utf8 keeps it.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
