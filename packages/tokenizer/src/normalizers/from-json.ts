// Rebuilds a normalizer from its tokenizer.json form.
import { UnsupportedComponentError } from '../errors.js';
import { BertNormalizer } from './bert-normalizer.js';
import { Lowercase } from './lowercase.js';
import type { Normalizer, NormalizerJSON } from './normalizer.js';
import { NormalizerSequence } from './sequence.js';
import { Strip } from './strip.js';
import { StripAccents } from './strip-accents.js';
import { NFC, NFD, NFKC, NFKD } from './unicode-forms.js';

/** Parses `{"type": ...}`; throws UnsupportedComponentError naming an unknown type. */
export function normalizerFromJSON(json: NormalizerJSON): Normalizer {
  switch (json.type) {
    case 'BertNormalizer':
      return BertNormalizer.fromJSON(json);
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
      return new Strip((json.strip_left as boolean | undefined) ?? true, (json.strip_right as boolean | undefined) ?? true);
    case 'Sequence':
      return new NormalizerSequence((json.normalizers as NormalizerJSON[]).map(normalizerFromJSON));
    default:
      throw new UnsupportedComponentError(`normalizer ${String(json.type)}`);
  }
}
