// Incremental detokenization for streaming: decodes the tokens so far and releases only text that
// cannot change. A byte-level BPE token may end inside a UTF-8 sequence; the decoder then shows
// U+FFFD for the incomplete bytes, so text ending in U+FFFD is held back until more tokens come.
import type { TextCodec } from './options.js';

export class TextStreamDecoder {
  private readonly tokens: number[] = [];
  private emitted = 0;
  /** Everything decoded so far (incomplete trailing bytes as U+FFFD). */
  text = '';

  constructor(private readonly codec: TextCodec) {}

  /** Adds a token; returns the newly settled text ('' while a character is incomplete). */
  push(token: number): string {
    this.tokens.push(token);
    this.text = this.codec.decode(this.tokens);
    let end = this.text.length;
    while (end > this.emitted && this.text.charCodeAt(end - 1) === 0xfffd) end--;
    // Never end a chunk between the two halves of a UTF-16 surrogate pair.
    if (end > this.emitted && /[\ud800-\udbff]/.test(this.text[end - 1]!)) end--;
    const chunk = this.text.slice(this.emitted, end);
    this.emitted = end;
    return chunk;
  }

  /** The rest, once no more tokens will come (a genuine trailing U+FFFD included). */
  flush(): string {
    const chunk = this.text.slice(this.emitted);
    this.emitted = this.text.length;
    return chunk;
  }
}
