// Rebuilds a post-processor from its tokenizer.json form, checking every field (HF's rules).
import { UnsupportedComponentError } from '../errors.js';
import { badValue, clip, Fields, readId } from '../io/untrusted.js';
import { BertProcessing, RobertaProcessing } from './bert-processing.js';
import { ByteLevelProcessing } from './byte-level.js';
import type { PostProcessor, PostProcessorJSON } from './post-processor.js';
import { readByteLevelOptions } from '../pre-tokenizers/byte-level.js';
import { TemplateProcessing } from './template-processing.js';

/**
 * Parses `{"type": ...}`. @throws TokenizerFormatError naming a malformed field,
 * UnsupportedComponentError naming an unknown type.
 */
export function postProcessorFromJSON(json: PostProcessorJSON | unknown, where = 'post_processor'): PostProcessor {
  const node = new Fields(json, where);
  const type = node.string('type');
  switch (type) {
    case 'TemplateProcessing':
      return TemplateProcessing.fromJSON(node.value as PostProcessorJSON, where);
    case 'BertProcessing':
      return new BertProcessing(tokenAndId(node, 'sep'), tokenAndId(node, 'cls'));
    case 'RobertaProcessing':
      return new RobertaProcessing(tokenAndId(node, 'sep'), tokenAndId(node, 'cls'), node.bool('trim_offsets', true), node.bool('add_prefix_space', true));
    case 'ByteLevel':
      return new ByteLevelProcessing(readByteLevelOptions(node));
    default:
      throw new UnsupportedComponentError(`post_processor ${clip(type)}`);
  }
}

/** A `[token, id]` pair (HF's `(String, u32)`). */
function tokenAndId(node: Fields, key: string): [string, number] {
  const v = node.raw(key);
  const at = `${node.where}.${key}`;
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string') throw badValue(at, 'a [token, id] pair', v);
  return [v[0], readId(v[1], `${at}[1]`)];
}
