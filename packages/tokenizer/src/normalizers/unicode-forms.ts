// NFC, NFD, NFKC and NFKD, applied per run of a starter and the marks that follow it so that each
// output character keeps an alignment to the input it came from.
import { bmpClasses, charClass, MARK } from '../unicode/char-classes.js';
import { mapRuns, type NormalizedText } from './normalized-text.js';
import type { Normalizer, NormalizerJSON } from './normalizer.js';

type Form = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

/** End positions of runs: a run is a code point followed by its combining marks (and Hangul V/T jamo). */
export function starterRuns(text: string): number[] {
  const classes = bmpClasses();
  const ends: number[] = [];
  for (let i = 0; i < text.length; ) {
    let c = text.charCodeAt(i);
    let size = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    i += size;
    for (;;) {
      if (i >= text.length) break;
      c = text.charCodeAt(i);
      size = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
      const cp = size === 2 ? text.codePointAt(i)! : c;
      const continues = (cp < 0x10000 ? classes[cp]! & MARK : charClass(cp) & MARK) !== 0 || (cp >= 0x1160 && cp <= 0x11ff);
      if (!continues) break;
      i += size;
    }
    ends.push(i);
  }
  return ends;
}

abstract class UnicodeForm implements Normalizer {
  abstract readonly type: Form;
  normalize(input: NormalizedText): NormalizedText {
    const form = this.type;
    if (input.text.normalize(form) === input.text) return input;
    return mapRuns(input, starterRuns(input.text), (run) => run.normalize(form));
  }
  toJSON(): NormalizerJSON {
    return { type: this.type };
  }
}

/** Canonical composition. */
export class NFC extends UnicodeForm {
  readonly type = 'NFC' as const;
}
/** Canonical decomposition. */
export class NFD extends UnicodeForm {
  readonly type = 'NFD' as const;
}
/** Compatibility composition (full-width → ASCII, ligatures split, ...). */
export class NFKC extends UnicodeForm {
  readonly type = 'NFKC' as const;
}
/** Compatibility decomposition. */
export class NFKD extends UnicodeForm {
  readonly type = 'NFKD' as const;
}
