// Rebuilds a pre-tokenizer from its tokenizer.json form, checking every field (HF's rules) and
// building nested Sequences without recursion.
import { UnsupportedComponentError } from '../errors.js';
import { buildTree } from '../io/json-tree.js';
import { clip, type Fields } from '../io/untrusted.js';
import { BertPreTokenizer } from './bert-pre-tokenizer.js';
import { ByteLevel, readByteLevelOptions } from './byte-level.js';
import type { PreTokenizer, PreTokenizerJSON } from './pre-tokenizer.js';
import { PreTokenizerSequence } from './sequence.js';
import { Whitespace, WhitespaceSplit } from './whitespace.js';

/**
 * Parses `{"type": ...}`. @throws TokenizerFormatError naming a malformed field,
 * UnsupportedComponentError naming an unknown type.
 */
export function preTokenizerFromJSON(json: PreTokenizerJSON | unknown, where = 'pre_tokenizer'): PreTokenizer {
  return buildTree<PreTokenizer>(
    json,
    where,
    (node) => (node.string('type') === 'Sequence' ? { key: 'pretokenizers', items: node.array('pretokenizers') } : null),
    (node, children) => (children === null ? leaf(node) : new PreTokenizerSequence(children)),
  );
}

function leaf(node: Fields): PreTokenizer {
  const type = node.string('type');
  switch (type) {
    case 'ByteLevel':
      return new ByteLevel(readByteLevelOptions(node));
    case 'BertPreTokenizer':
      return new BertPreTokenizer();
    case 'Whitespace':
      return new Whitespace();
    case 'WhitespaceSplit':
      return new WhitespaceSplit();
    default:
      throw new UnsupportedComponentError(`pre_tokenizer ${clip(type)}`);
  }
}
