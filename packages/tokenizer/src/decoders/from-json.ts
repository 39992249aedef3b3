// Rebuilds a decoder from its tokenizer.json form, checking every field with HF's rules (tagged by
// "type", else recognised by its fields as HF's untagged fallback does: only WordPiece can be).
import { UnsupportedComponentError } from '../errors.js';
import { badValue, clip, Fields, tryUntagged } from '../io/untrusted.js';
import { readByteLevelOptions } from '../pre-tokenizers/byte-level.js';
import { ByteLevelDecoder } from './byte-level.js';
import type { Decoder, DecoderJSON } from './decoder.js';
import { Fuse } from './fuse.js';
import { WordPieceDecoder } from './wordpiece.js';

const TAGGED: Record<string, (node: Fields) => Decoder> = {
  ByteLevel: (node) => new ByteLevelDecoder(readByteLevelOptions(node)),
  WordPiece: (node) => new WordPieceDecoder(node.string('prefix'), node.bool('cleanup')),
  Fuse: () => new Fuse(),
};

/**
 * Parses `{"type": ...}`. @throws TokenizerFormatError naming a malformed field,
 * UnsupportedComponentError naming an unknown type.
 */
export function decoderFromJSON(json: DecoderJSON | unknown, where = 'decoder'): Decoder {
  const node = new Fields(json, where);
  const type = node.raw('type');
  const tagged = typeof type === 'string' && Object.hasOwn(TAGGED, type) ? TAGGED[type]! : undefined;
  const made = (tagged && tryUntagged(() => tagged(node))) ?? tryUntagged(() => TAGGED.WordPiece!(node));
  if (made !== null) return made;
  if (tagged) return tagged(node); // its own error names the bad field
  if (typeof type === 'string') throw new UnsupportedComponentError(`decoder ${clip(type)}`);
  throw badValue(`${where}.type`, 'a decoder type', type);
}
