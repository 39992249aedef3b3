// Rebuilds a decoder from its tokenizer.json form, checking every field (HF's rules).
import { UnsupportedComponentError } from '../errors.js';
import { clip, Fields } from '../io/untrusted.js';
import { readByteLevelOptions } from '../pre-tokenizers/byte-level.js';
import { ByteLevelDecoder } from './byte-level.js';
import type { Decoder, DecoderJSON } from './decoder.js';
import { Fuse } from './fuse.js';
import { WordPieceDecoder } from './wordpiece.js';

/**
 * Parses `{"type": ...}`. @throws TokenizerFormatError naming a malformed field,
 * UnsupportedComponentError naming an unknown type.
 */
export function decoderFromJSON(json: DecoderJSON | unknown, where = 'decoder'): Decoder {
  const node = new Fields(json, where);
  const type = node.string('type');
  switch (type) {
    case 'ByteLevel':
      return new ByteLevelDecoder(readByteLevelOptions(node));
    case 'WordPiece':
      return new WordPieceDecoder(node.string('prefix', '##'), node.bool('cleanup', true));
    case 'Fuse':
      return new Fuse();
    default:
      throw new UnsupportedComponentError(`decoder ${clip(type)}`);
  }
}
