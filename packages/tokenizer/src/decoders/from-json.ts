// Rebuilds a decoder from its tokenizer.json form.
import { UnsupportedComponentError } from '../errors.js';
import { ByteLevelDecoder } from './byte-level.js';
import type { Decoder, DecoderJSON } from './decoder.js';
import { Fuse } from './fuse.js';
import { WordPieceDecoder } from './wordpiece.js';

/** Parses `{"type": ...}`; throws UnsupportedComponentError naming an unknown type. */
export function decoderFromJSON(json: DecoderJSON): Decoder {
  switch (json.type) {
    case 'ByteLevel':
      return new ByteLevelDecoder(
        (json.add_prefix_space as boolean | undefined) ?? true,
        (json.trim_offsets as boolean | undefined) ?? true,
        (json.use_regex as boolean | undefined) ?? true,
      );
    case 'WordPiece':
      return new WordPieceDecoder((json.prefix as string | undefined) ?? '##', (json.cleanup as boolean | undefined) ?? true);
    case 'Fuse':
      return new Fuse();
    default:
      throw new UnsupportedComponentError(`decoder ${String(json.type)}`);
  }
}
