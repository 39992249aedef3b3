// HF's Whitespace (`\w+|[^\w\s]+`) and WhitespaceSplit (split on whitespace only) pre-tokenizers.
import { charClass, WHITE_SPACE, WORD } from '../unicode/char-classes.js';
import type { PreTokenizer, PreTokenizerJSON } from './pre-tokenizer.js';
import type { Spans } from './spans.js';

/** `{"type": "Whitespace"}`: runs of word characters, and runs of other non-space characters. */
export class Whitespace implements PreTokenizer {
  readonly type = 'Whitespace';
  readonly byteLevel = false;

  split(text: string, start: number, end: number, out: Spans): void {
    let runStart = -1;
    let runKind = 0;
    for (let i = start; i < end; ) {
      const cp = text.codePointAt(i)!;
      const size = cp > 0xffff ? 2 : 1;
      const cls = charClass(cp);
      const kind = cls & WHITE_SPACE ? 0 : cls & WORD ? 1 : 2;
      if (kind !== runKind) {
        if (runKind !== 0) out.push(runStart, i);
        runStart = i;
        runKind = kind;
      }
      i += size;
    }
    if (runKind !== 0) out.push(runStart, end);
  }

  prefix(): string {
    return '';
  }

  toJSON(): PreTokenizerJSON {
    return { type: this.type };
  }
}

/** `{"type": "WhitespaceSplit"}`: maximal runs of non-whitespace. */
export class WhitespaceSplit implements PreTokenizer {
  readonly type = 'WhitespaceSplit';
  readonly byteLevel = false;

  split(text: string, start: number, end: number, out: Spans): void {
    let wordStart = -1;
    for (let i = start; i < end; ) {
      const cp = text.codePointAt(i)!;
      const size = cp > 0xffff ? 2 : 1;
      if (charClass(cp) & WHITE_SPACE) {
        if (wordStart >= 0) out.push(wordStart, i);
        wordStart = -1;
      } else if (wordStart < 0) wordStart = i;
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
