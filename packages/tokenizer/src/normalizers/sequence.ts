// Several normalizers applied in order.
import type { NormalizedText } from './normalized-text.js';
import type { Normalizer, NormalizerJSON } from './normalizer.js';

/** `{"type": "Sequence", "normalizers": [...]}` */
export class NormalizerSequence implements Normalizer {
  readonly type = 'Sequence';
  constructor(readonly normalizers: readonly Normalizer[]) {}
  normalize(input: NormalizedText): NormalizedText {
    let n = input;
    for (const step of this.normalizers) n = step.normalize(n);
    return n;
  }
  toJSON(): NormalizerJSON {
    return { type: this.type, normalizers: this.normalizers.map((n) => n.toJSON()) };
  }
}
