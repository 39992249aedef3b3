// GPT-2's byte-level pre-tokenizer: the GPT-2 regex split, pieces then read as UTF-8 bytes.
import { Fields } from '../io/untrusted.js';
import { splitGpt2 } from './gpt2-split.js';
import type { PreTokenizer, PreTokenizerJSON } from './pre-tokenizer.js';
import type { Spans } from './spans.js';

/**
 * Options of the three ByteLevel stages ({@link ByteLevel} pre-tokenizer, `ByteLevelDecoder`,
 * `ByteLevelProcessing`), with HF's names; HF serializes all three as the same struct.
 */
export interface ByteLevelOptions {
  /** Insert a space before the text when it does not start with one (RoBERTa-style). Default false. */
  addPrefixSpace?: boolean;
  /** Trim whitespace from offsets (kept for tokenizer.json; see the ByteLevel post-processor). Default true. */
  trimOffsets?: boolean;
  /** Split with GPT-2's regex; false keeps each segment whole. Default true. */
  useRegex?: boolean;
}

/** `{"type": "ByteLevel", "add_prefix_space", "trim_offsets", "use_regex"}` */
export class ByteLevel implements PreTokenizer {
  readonly type = 'ByteLevel';
  readonly byteLevel = true;
  readonly addPrefixSpace: boolean;
  readonly trimOffsets: boolean;
  readonly useRegex: boolean;

  constructor(options: ByteLevelOptions = {}) {
    this.addPrefixSpace = options.addPrefixSpace ?? false;
    this.trimOffsets = options.trimOffsets ?? true;
    this.useRegex = options.useRegex ?? true;
  }

  split(text: string, start: number, end: number, out: Spans): void {
    if (start >= end) return;
    if (this.useRegex) splitGpt2(text, start, end, out);
    else out.push(start, end);
  }

  prefix(text: string): string {
    return this.addPrefixSpace && text.charCodeAt(0) !== 32 ? ' ' : '';
  }

  toJSON(): PreTokenizerJSON {
    return { type: this.type, add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex };
  }

  static fromJSON(json: PreTokenizerJSON): ByteLevel {
    return new ByteLevel(readByteLevelOptions(new Fields(json, 'pre_tokenizer')));
  }
}

/** The ByteLevel fields as HF reads them: add_prefix_space and trim_offsets required, use_regex default true. */
export function readByteLevelOptions(node: Fields): Required<ByteLevelOptions> {
  return { addPrefixSpace: node.bool('add_prefix_space'), trimOffsets: node.bool('trim_offsets'), useRegex: node.bool('use_regex', true) };
}

