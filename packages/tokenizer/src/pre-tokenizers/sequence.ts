// Several pre-tokenizers: each one splits every piece the previous one produced.
import type { PreTokenizer, PreTokenizerJSON } from './pre-tokenizer.js';
import { Spans } from './spans.js';

/** `{"type": "Sequence", "pretokenizers": [...]}` */
export class PreTokenizerSequence implements PreTokenizer {
  readonly type = 'Sequence';
  readonly byteLevel: boolean;
  constructor(readonly preTokenizers: readonly PreTokenizer[]) {
    this.byteLevel = preTokenizers.some((p) => p.byteLevel);
  }

  split(text: string, start: number, end: number, out: Spans): void {
    let current = new Spans();
    current.push(start, end);
    for (const step of this.preTokenizers) {
      const next = new Spans();
      for (let i = 0; i < current.length; i++) step.split(text, current.start(i), current.end(i), next);
      current = next;
    }
    for (let i = 0; i < current.length; i++) out.push(current.start(i), current.end(i));
  }

  prefix(text: string): string {
    for (const step of this.preTokenizers) {
      const p = step.prefix(text);
      if (p) return p;
    }
    return '';
  }

  toJSON(): PreTokenizerJSON {
    return { type: this.type, pretokenizers: this.preTokenizers.map((p) => p.toJSON()) };
  }
}
