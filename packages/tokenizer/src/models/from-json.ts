// Rebuilds a model from its tokenizer.json form.
import { UnsupportedComponentError } from '../errors.js';
import { clip, Fields } from '../io/untrusted.js';
import { BPE } from './bpe.js';
import { CharLevel } from './char-level.js';
import type { Model, ModelJSON } from './model.js';
import { WordPiece } from './wordpiece.js';

/**
 * Parses `{"type": ...}`. @throws TokenizerFormatError naming a malformed field,
 * UnsupportedComponentError naming an unknown type (e.g. Unigram).
 */
export function modelFromJSON(json: ModelJSON | unknown, where = 'model'): Model {
  const node = new Fields(json, where);
  // HF omits "type" for BPE in some older files; it is then recognised by its merges.
  const type = node.has('type') ? node.string('type') : Array.isArray(node.raw('merges')) ? 'BPE' : 'WordPiece';
  switch (type) {
    case 'BPE':
      return BPE.fromJSON(node.value as ModelJSON, where);
    case 'WordPiece':
      return WordPiece.fromJSON(node.value as ModelJSON, where);
    case 'CharLevel':
      return CharLevel.fromJSON(node.value as ModelJSON, where);
    default:
      throw new UnsupportedComponentError(`model ${clip(type)}`);
  }
}
