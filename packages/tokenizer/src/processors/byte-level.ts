// HF's ByteLevel post-processor: adds no tokens; with trim_offsets it trims spaces from offsets.
import type { ByteLevelOptions } from '../pre-tokenizers/byte-level.js';
import type { PostProcessor, PostProcessorJSON, TemplatePiece } from './post-processor.js';
import { DEFAULT_TEMPLATE } from './post-processor.js';

/**
 * `{"type": "ByteLevel", "add_prefix_space", "trim_offsets", "use_regex"}` as a post-processor, with the
 * same options object as the pre-tokenizer and decoder; defaults are HF's `processors.ByteLevel()` (true).
 * @example
 * new ByteLevelProcessing({ trimOffsets: false }); // GPT-2: offsets keep their leading space
 */
export class ByteLevelProcessing implements PostProcessor {
  readonly type = 'ByteLevel';
  readonly addPrefixSpace: boolean;
  readonly trimOffsets: boolean;
  readonly useRegex: boolean;
  constructor(options: ByteLevelOptions = {}) {
    this.addPrefixSpace = options.addPrefixSpace ?? true;
    this.trimOffsets = options.trimOffsets ?? true;
    this.useRegex = options.useRegex ?? true;
  }
  template(isPair: boolean): readonly TemplatePiece[] {
    return isPair ? DEFAULT_TEMPLATE.pair : DEFAULT_TEMPLATE.single;
  }
  toJSON(): PostProcessorJSON {
    return { type: this.type, add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex };
  }
}
