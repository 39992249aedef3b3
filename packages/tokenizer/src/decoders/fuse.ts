// Concatenates tokens as they are (char-level models).
import type { Decoder, DecoderJSON } from './decoder.js';

/** `{"type": "Fuse"}` */
export class Fuse implements Decoder {
  readonly type = 'Fuse';
  decode(tokens: readonly string[]): string {
    return tokens.join('');
  }
  toJSON(): DecoderJSON {
    return { type: this.type };
  }
}
