// The one thing a pipeline needs from a tokenizer: text in, ids out, with no special tokens added.
import { ConfigError } from '@llmkit/core';

/**
 * Anything that turns text into ids: `@llmkit/tokenizer`'s `Tokenizer` (its `encodeIds`, which adds
 * no special tokens), or an object with `encode(text).ids`.
 */
export type TextTokenizer =
  | { encodeIds(text: string): ArrayLike<number> }
  | { encode(text: string): { readonly ids: ArrayLike<number> } };

/** `tokenizer` as a function returning Int32Array ids. @throws ConfigError if it has neither method. */
export function idsFunction(where: string, tokenizer: TextTokenizer): (text: string) => Int32Array {
  const t = tokenizer as { encodeIds?: unknown; encode?: unknown } | null;
  const asInt32 = (ids: ArrayLike<number>): Int32Array => (ids instanceof Int32Array ? ids : Int32Array.from(ids));
  if (t !== null && typeof t === 'object' && typeof t.encodeIds === 'function') {
    const tok = tokenizer as { encodeIds(text: string): ArrayLike<number> };
    return (text) => asInt32(tok.encodeIds(text));
  }
  if (t !== null && typeof t === 'object' && typeof t.encode === 'function') {
    const tok = tokenizer as { encode(text: string): { readonly ids: ArrayLike<number> } };
    return (text) => asInt32(tok.encode(text).ids);
  }
  throw new ConfigError(`${where}: 'tokenizer' must have encodeIds(text) or encode(text).ids, got ${t === null ? 'null' : typeof t}`);
}
