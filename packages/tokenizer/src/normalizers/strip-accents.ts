// Accent stripping: decompose (NFD), then drop nonspacing marks (\p{Mn}).
import { charClass, NONSPACING_MARK } from '../unicode/char-classes.js';
import { mapCodePoints, type NormalizedText } from './normalized-text.js';
import type { Normalizer, NormalizerJSON } from './normalizer.js';
import { NFD } from './unicode-forms.js';

const nfd = new NFD();

/** Removes accents: "Crème" → "Creme". */
export function stripAccents(input: NormalizedText): NormalizedText {
  const decomposed = nfd.normalize(input);
  return mapCodePoints(decomposed, (cp) => (charClass(cp) & NONSPACING_MARK ? '' : null));
}

/** `{"type": "StripAccents"}`; HF pairs it with NFD, which this one applies itself. */
export class StripAccents implements Normalizer {
  readonly type = 'StripAccents';
  normalize(input: NormalizedText): NormalizedText {
    return stripAccents(input);
  }
  toJSON(): NormalizerJSON {
    return { type: this.type };
  }
}
