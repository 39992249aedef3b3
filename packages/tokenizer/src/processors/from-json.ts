// Rebuilds a post-processor from its tokenizer.json form.
import { UnsupportedComponentError } from '../errors.js';
import { BertProcessing, RobertaProcessing } from './bert-processing.js';
import { ByteLevelProcessing } from './byte-level.js';
import type { PostProcessor, PostProcessorJSON } from './post-processor.js';
import { TemplateProcessing } from './template-processing.js';

/** Parses `{"type": ...}`; throws UnsupportedComponentError naming an unknown type. */
export function postProcessorFromJSON(json: PostProcessorJSON): PostProcessor {
  switch (json.type) {
    case 'TemplateProcessing':
      return TemplateProcessing.fromJSON(json);
    case 'BertProcessing':
      return new BertProcessing(json.sep as [string, number], json.cls as [string, number]);
    case 'RobertaProcessing':
      return new RobertaProcessing(
        json.sep as [string, number],
        json.cls as [string, number],
        (json.trim_offsets as boolean | undefined) ?? true,
        (json.add_prefix_space as boolean | undefined) ?? true,
      );
    case 'ByteLevel':
      return new ByteLevelProcessing(
        (json.trim_offsets as boolean | undefined) ?? true,
        (json.add_prefix_space as boolean | undefined) ?? true,
        (json.use_regex as boolean | undefined) ?? true,
      );
    default:
      throw new UnsupportedComponentError(`post_processor ${String(json.type)}`);
  }
}
