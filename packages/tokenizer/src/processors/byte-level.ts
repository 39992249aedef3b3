// HF's ByteLevel post-processor: adds no tokens; with trim_offsets it trims spaces from offsets.
import type { PostProcessor, PostProcessorJSON, TemplatePiece } from './post-processor.js';
import { DEFAULT_TEMPLATE } from './post-processor.js';

/** `{"type": "ByteLevel", "add_prefix_space", "trim_offsets", "use_regex"}` as a post-processor. */
export class ByteLevelProcessing implements PostProcessor {
  readonly type = 'ByteLevel';
  constructor(
    readonly trimOffsets = true,
    readonly addPrefixSpace = true,
    readonly useRegex = true,
  ) {}
  template(isPair: boolean): readonly TemplatePiece[] {
    return isPair ? DEFAULT_TEMPLATE.pair : DEFAULT_TEMPLATE.single;
  }
  toJSON(): PostProcessorJSON {
    return { type: this.type, add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex };
  }
}
