// Rebuilds a pre-tokenizer from its tokenizer.json form.
import { UnsupportedComponentError } from '../errors.js';
import { BertPreTokenizer } from './bert-pre-tokenizer.js';
import { ByteLevel } from './byte-level.js';
import type { PreTokenizer, PreTokenizerJSON } from './pre-tokenizer.js';
import { PreTokenizerSequence } from './sequence.js';
import { Whitespace, WhitespaceSplit } from './whitespace.js';

/** Parses `{"type": ...}`; throws UnsupportedComponentError naming an unknown type. */
export function preTokenizerFromJSON(json: PreTokenizerJSON): PreTokenizer {
  switch (json.type) {
    case 'ByteLevel':
      return ByteLevel.fromJSON(json);
    case 'BertPreTokenizer':
      return new BertPreTokenizer();
    case 'Whitespace':
      return new Whitespace();
    case 'WhitespaceSplit':
      return new WhitespaceSplit();
    case 'Sequence':
      return new PreTokenizerSequence((json.pretokenizers as PreTokenizerJSON[]).map(preTokenizerFromJSON));
    default:
      throw new UnsupportedComponentError(`pre_tokenizer ${String(json.type)}`);
  }
}
