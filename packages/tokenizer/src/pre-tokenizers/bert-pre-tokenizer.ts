// BERT's split: on whitespace (dropped) and around each punctuation character (kept as a word).
import { charClass, PUNCTUATION, WHITE_SPACE } from '../unicode/char-classes.js';
import type { PreTokenizer, PreTokenizerJSON } from './pre-tokenizer.js';
import type { Spans } from './spans.js';

/** `{"type": "BertPreTokenizer"}` */
export class BertPreTokenizer implements PreTokenizer {
  readonly type = 'BertPreTokenizer';
  readonly byteLevel = false;

  split(text: string, start: number, end: number, out: Spans): void {
    let wordStart = -1;
    for (let i = start; i < end; ) {
      const cp = text.codePointAt(i)!;
      const size = cp > 0xffff ? 2 : 1;
      const cls = charClass(cp);
      if (cls & WHITE_SPACE) {
        if (wordStart >= 0) out.push(wordStart, i);
        wordStart = -1;
      } else if (cls & PUNCTUATION) {
        if (wordStart >= 0) out.push(wordStart, i);
        wordStart = -1;
        out.push(i, i + size);
      } else if (wordStart < 0) {
        wordStart = i;
      }
      i += size;
    }
    if (wordStart >= 0) out.push(wordStart, end);
  }

  prefix(): string {
    return '';
  }

  toJSON(): PreTokenizerJSON {
    return { type: this.type };
  }
}
