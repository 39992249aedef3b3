// Rebuilds a model from its tokenizer.json form.
import { UnsupportedComponentError } from '../errors.js';
import { BPE } from './bpe.js';
import { CharLevel } from './char-level.js';
import type { Model, ModelJSON } from './model.js';
import { WordPiece } from './wordpiece.js';

/** Parses `{"type": ...}`; throws UnsupportedComponentError naming an unknown type (e.g. Unigram). */
export function modelFromJSON(json: ModelJSON): Model {
  // HF omits "type" for BPE in some older files; it is then recognised by its merges.
  const type = json.type ?? (Array.isArray(json.merges) ? 'BPE' : undefined);
  switch (type) {
    case 'BPE':
      return BPE.fromJSON(json);
    case 'WordPiece':
      return WordPiece.fromJSON(json);
    case 'CharLevel':
      return CharLevel.fromJSON(json);
    default:
      throw new UnsupportedComponentError(`model ${String(type)}`);
  }
}
