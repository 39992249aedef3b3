// WordPiece decoding: words joined by spaces, '##' pieces glued to the previous one, and BERT's
// cleanup of spaces before punctuation and English contractions.
import type { Decoder, DecoderJSON } from './decoder.js';

/** BERT's `clean_up_tokenization`. */
export function cleanupTokenization(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/** `{"type": "WordPiece", "prefix": "##", "cleanup": true}` */
export class WordPieceDecoder implements Decoder {
  readonly type = 'WordPiece';
  constructor(
    readonly prefix = '##',
    readonly cleanup = true,
  ) {}
  decode(tokens: readonly string[]): string {
    let out = '';
    tokens.forEach((t, i) => {
      if (i > 0 && t.startsWith(this.prefix)) out += t.slice(this.prefix.length);
      else out += (i > 0 ? ' ' : '') + t;
    });
    return this.cleanup ? cleanupTokenization(out) : out;
  }
  toJSON(): DecoderJSON {
    return { type: this.type, prefix: this.prefix, cleanup: this.cleanup };
  }
}
