// GPT-2's reversible byte↔unicode map: printable bytes stand for themselves, the other 68 bytes are
// shifted to U+0100.. so that every byte is a visible character in vocab.json (space becomes 'Ġ').

/** `BYTE_TO_CHAR[b]` is the one-character string standing for byte `b`. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** `CHAR_TO_BYTE[charCode]` is the byte a character stands for, or -1 (index up to U+0143). */
export const CHAR_TO_BYTE: Int16Array = buildCharToByte();

function buildByteToChar(): string[] {
  const out = new Array<string>(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    out[b] = String.fromCharCode(printable ? b : 256 + shifted++);
  }
  return out;
}

function buildCharToByte(): Int16Array {
  const table = new Int16Array(0x144).fill(-1);
  for (let b = 0; b < 256; b++) table[BYTE_TO_CHAR[b]!.charCodeAt(0)] = b;
  return table;
}

/** The 256 byte characters, in byte order (the `initialAlphabet` of a byte-level BPE trainer). */
export function byteLevelAlphabet(): string[] {
  return BYTE_TO_CHAR.slice();
}

/** Maps a string to its byte-level form: UTF-8 bytes, each shown as its byte character. */
export function toByteLevel(text: string): string {
  const bytes = utf8Encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_CHAR[bytes[i]!];
  return out;
}

const encoder = new TextEncoder();
/** UTF-8 encoding; lone surrogates become U+FFFD, as TextEncoder does. */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}
