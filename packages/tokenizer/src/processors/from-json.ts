// Rebuilds a post-processor from its tokenizer.json form, checking every field with HF's rules
// (tagged by "type", else recognised by its fields as HF's untagged fallback does, in HF's order:
// Roberta, Bert, Template).
import { UnsupportedComponentError } from '../errors.js';
import { badValue, clip, Fields, readId, tryUntagged } from '../io/untrusted.js';
import { readByteLevelOptions } from '../pre-tokenizers/byte-level.js';
import { BertProcessing, RobertaProcessing } from './bert-processing.js';
import { ByteLevelProcessing } from './byte-level.js';
import type { PostProcessor, PostProcessorJSON } from './post-processor.js';
import { TemplateProcessing } from './template-processing.js';

const TAGGED: Record<string, (node: Fields) => PostProcessor> = {
  RobertaProcessing: (node) =>
    new RobertaProcessing(tokenAndId(node, 'sep'), tokenAndId(node, 'cls'), node.bool('trim_offsets', true), node.bool('add_prefix_space', true)),
  BertProcessing: (node) => new BertProcessing(tokenAndId(node, 'sep'), tokenAndId(node, 'cls')),
  ByteLevel: (node) => new ByteLevelProcessing(readByteLevelOptions(node)),
  TemplateProcessing: (node) => TemplateProcessing.fromJSON(node.value as PostProcessorJSON, node.where),
};
const UNTAGGED = [TAGGED.RobertaProcessing!, TAGGED.BertProcessing!, TAGGED.TemplateProcessing!];

/**
 * Parses `{"type": ...}`. @throws TokenizerFormatError naming a malformed field,
 * UnsupportedComponentError naming an unknown type.
 */
export function postProcessorFromJSON(json: PostProcessorJSON | unknown, where = 'post_processor'): PostProcessor {
  const node = new Fields(json, where);
  const type = node.raw('type');
  const tagged = typeof type === 'string' && Object.hasOwn(TAGGED, type) ? TAGGED[type]! : undefined;
  if (tagged) {
    const made = tryUntagged(() => tagged(node));
    if (made !== null) return made;
  }
  for (const read of UNTAGGED) {
    const made = tryUntagged(() => read(node));
    if (made !== null) return made;
  }
  if (tagged) return tagged(node); // its own error names the bad field
  if (typeof type === 'string') throw new UnsupportedComponentError(`post_processor ${clip(type)}`);
  throw badValue(`${where}.type`, 'a post-processor type', type);
}

/** A `[token, id]` pair (HF's `(String, u32)`). */
function tokenAndId(node: Fields, key: string): [string, number] {
  const v = node.raw(key);
  const at = `${node.where}.${key}`;
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string') throw badValue(at, 'a [token, id] pair', v);
  return [v[0], readId(v[1], `${at}[1]`)];
}
