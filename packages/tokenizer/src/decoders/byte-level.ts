// Byte-level decoding: each character of a token stands for a byte; the bytes are UTF-8.
import { CHAR_TO_BYTE } from '../unicode/byte-level-alphabet.js';
import type { ByteLevelOptions } from '../pre-tokenizers/byte-level.js';
import type { Decoder, DecoderJSON } from './decoder.js';

// ignoreBOM: a leading U+FEFF is text, not a byte-order mark (HF's decode keeps it).
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Maps byte-level token strings to bytes. Characters outside the byte alphabet (added tokens such as
 * `<|endoftext|>`) contribute their own UTF-8 bytes. Invalid UTF-8 decodes to U+FFFD, never throws.
 */
export function byteLevelBytes(tokens: readonly string[]): Uint8Array {
  let total = 0;
  for (const t of tokens) total += t.length * 3;
  const out = new Uint8Array(total);
  let n = 0;
  for (const t of tokens) {
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      const b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c]! : -1;
      if (b >= 0) out[n++] = b;
      else n += new TextEncoder().encodeInto(t.slice(i, (c & 0xfc00) === 0xd800 ? i + 2 : i + 1), out.subarray(n)).written;
      if ((c & 0xfc00) === 0xd800 && b < 0) i++;
    }
  }
  return out.subarray(0, n);
}

/**
 * `{"type": "ByteLevel", "add_prefix_space", "trim_offsets", "use_regex"}` as a decoder. The options only
 * round-trip through tokenizer.json (HF shares one ByteLevel struct between the three stages); every
 * default is HF's `decoders.ByteLevel()` (true).
 */
export class ByteLevelDecoder implements Decoder {
  readonly type = 'ByteLevel';
  readonly addPrefixSpace: boolean;
  readonly trimOffsets: boolean;
  readonly useRegex: boolean;
  constructor(options: ByteLevelOptions = {}) {
    this.addPrefixSpace = options.addPrefixSpace ?? true;
    this.trimOffsets = options.trimOffsets ?? true;
    this.useRegex = options.useRegex ?? true;
  }
  decode(tokens: readonly string[]): string {
    return utf8.decode(byteLevelBytes(tokens));
  }
  toJSON(): DecoderJSON {
    return { type: this.type, add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex };
  }
}
