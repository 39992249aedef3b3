// Rebuilds a normalizer from its tokenizer.json form, checking every field with HF's rules (tagged by
// "type", else recognised by its fields as HF's untagged fallback does) and building nested
// Sequences without recursion.
import { UnsupportedComponentError } from '../errors.js';
import { buildTree } from '../io/json-tree.js';
import { badValue, clip, tryUntagged, type Fields } from '../io/untrusted.js';
import { BertNormalizer } from './bert-normalizer.js';
import { Lowercase } from './lowercase.js';
import type { Normalizer, NormalizerJSON } from './normalizer.js';
import { NormalizerSequence } from './sequence.js';
import { Strip } from './strip.js';
import { StripAccents } from './strip-accents.js';
import { NFC, NFD, NFKC, NFKD } from './unicode-forms.js';

const TAGGED: Record<string, (node: Fields) => Normalizer> = {
  BertNormalizer: (node) =>
    new BertNormalizer({
      cleanText: node.bool('clean_text'),
      handleChineseChars: node.bool('handle_chinese_chars'),
      stripAccents: node.nullableBool('strip_accents', null),
      lowercase: node.bool('lowercase'),
    }),
  Lowercase: () => new Lowercase(),
  StripAccents: () => new StripAccents(),
  NFC: () => new NFC(),
  NFD: () => new NFD(),
  NFKC: () => new NFKC(),
  NFKD: () => new NFKD(),
  Strip: (node) => new Strip(node.bool('strip_left'), node.bool('strip_right')),
};
// Variants HF recognises without a type, in its order (Sequence is handled by the tree walk).
const UNTAGGED = [TAGGED.BertNormalizer!, TAGGED.Strip!];

/**
 * Parses `{"type": ...}`. @throws TokenizerFormatError naming a malformed field,
 * UnsupportedComponentError naming an unknown type.
 */
export function normalizerFromJSON(json: NormalizerJSON | unknown, where = 'normalizer'): Normalizer {
  return buildTree<Normalizer>(
    json,
    where,
    (node) => {
      const type = node.raw('type');
      if (type === 'Sequence' || (!(typeof type === 'string' && Object.hasOwn(TAGGED, type)) && untagged(node) === null && Array.isArray(node.raw('normalizers')))) {
        return { key: 'normalizers', items: node.array('normalizers') };
      }
      return null;
    },
    (node, children) => (children === null ? leaf(node) : new NormalizerSequence(children)),
  );
}

function untagged(node: Fields): Normalizer | null {
  for (const read of UNTAGGED) {
    const made = tryUntagged(() => read(node));
    if (made !== null) return made;
  }
  return null;
}

function leaf(node: Fields): Normalizer {
  const type = node.raw('type');
  const tagged = typeof type === 'string' && Object.hasOwn(TAGGED, type) ? TAGGED[type] : undefined;
  if (tagged !== undefined) {
    const made = tryUntagged(() => tagged(node));
    if (made !== null) return made;
    return untagged(node) ?? tagged(node); // the tagged form's own error names the bad field
  }
  const made = untagged(node);
  if (made !== null) return made;
  if (typeof type === 'string') throw new UnsupportedComponentError(`normalizer ${clip(type)}`);
  throw badValue(`${node.where}.type`, 'a normalizer type', type);
}
