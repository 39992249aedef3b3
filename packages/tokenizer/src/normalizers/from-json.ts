// Rebuilds a normalizer from its tokenizer.json form, checking every field (HF's rules) and building
// nested Sequences without recursion.
import { UnsupportedComponentError } from '../errors.js';
import { buildTree } from '../io/json-tree.js';
import { clip, type Fields } from '../io/untrusted.js';
import { BertNormalizer } from './bert-normalizer.js';
import { Lowercase } from './lowercase.js';
import type { Normalizer, NormalizerJSON } from './normalizer.js';
import { NormalizerSequence } from './sequence.js';
import { Strip } from './strip.js';
import { StripAccents } from './strip-accents.js';
import { NFC, NFD, NFKC, NFKD } from './unicode-forms.js';

/**
 * Parses `{"type": ...}`. @throws TokenizerFormatError naming a malformed field,
 * UnsupportedComponentError naming an unknown type.
 */
export function normalizerFromJSON(json: NormalizerJSON | unknown, where = 'normalizer'): Normalizer {
  return buildTree<Normalizer>(
    json,
    where,
    (node) => (node.string('type') === 'Sequence' ? { key: 'normalizers', items: node.array('normalizers') } : null),
    (node, children) => (children === null ? leaf(node) : new NormalizerSequence(children)),
  );
}

function leaf(node: Fields): Normalizer {
  const type = node.string('type');
  switch (type) {
    case 'BertNormalizer':
      return new BertNormalizer({
        cleanText: node.bool('clean_text', true),
        handleChineseChars: node.bool('handle_chinese_chars', true),
        stripAccents: node.nullableBool('strip_accents', null),
        lowercase: node.bool('lowercase', true),
      });
    case 'Lowercase':
      return new Lowercase();
    case 'StripAccents':
      return new StripAccents();
    case 'NFC':
      return new NFC();
    case 'NFD':
      return new NFD();
    case 'NFKC':
      return new NFKC();
    case 'NFKD':
      return new NFKD();
    case 'Strip':
      return new Strip(node.bool('strip_left'), node.bool('strip_right'));
    default:
      throw new UnsupportedComponentError(`normalizer ${clip(type)}`);
  }
}
