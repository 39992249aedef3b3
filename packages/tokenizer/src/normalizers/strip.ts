// Strips whitespace at the left and/or right end of the text.
import { charClass, WHITE_SPACE } from '../unicode/char-classes.js';
import type { NormalizedText } from './normalized-text.js';
import type { Normalizer, NormalizerJSON } from './normalizer.js';

/** `{"type": "Strip", "strip_left", "strip_right"}` */
export class Strip implements Normalizer {
  readonly type = 'Strip';
  constructor(
    readonly left = true,
    readonly right = true,
  ) {}

  normalize(input: NormalizedText): NormalizedText {
    const t = input.text;
    let s = 0;
    let e = t.length;
    if (this.left) while (s < e && charClass(t.charCodeAt(s)) & WHITE_SPACE) s++;
    if (this.right) while (e > s && charClass(t.charCodeAt(e - 1)) & WHITE_SPACE) e--;
    if (s === 0 && e === t.length) return input;
    const align = input.align ? input.align.slice(2 * s, 2 * e) : Int32Array.from({ length: 2 * (e - s) }, (_, k) => s + (k >> 1) + (k & 1));
    return { text: t.slice(s, e), align };
  }

  toJSON(): NormalizerJSON {
    return { type: this.type, strip_left: this.left, strip_right: this.right };
  }
}
