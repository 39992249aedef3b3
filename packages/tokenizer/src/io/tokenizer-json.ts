// Reads an untrusted tokenizer.json value: checks its depth, every top-level field and every
// component with HF tokenizers' accept/reject rules (test/untrusted-files.test.ts compares the two on
// mutated files), and returns the parts a Tokenizer is made of.
import type { AddedToken } from '../added-vocabulary.js';
import type { PaddingJSON } from '../batch.js';
import type { Decoder } from '../decoders/decoder.js';
import { decoderFromJSON } from '../decoders/from-json.js';
import { TokenizerError, TokenizerFormatError } from '../errors.js';
import { modelFromJSON } from '../models/from-json.js';
import type { Model } from '../models/model.js';
import { normalizerFromJSON } from '../normalizers/from-json.js';
import type { Normalizer } from '../normalizers/normalizer.js';
import { preTokenizerFromJSON } from '../pre-tokenizers/from-json.js';
import type { PreTokenizer } from '../pre-tokenizers/pre-tokenizer.js';
import { postProcessorFromJSON } from '../processors/from-json.js';
import type { PostProcessor } from '../processors/post-processor.js';
import type { TruncationJSON } from '../truncation.js';
import { checkDepth, Fields, quote } from './untrusted.js';

/** What a checked tokenizer.json holds. */
export interface TokenizerParts {
  version: string;
  truncation: TruncationJSON | null;
  padding: PaddingJSON | null;
  addedTokens: Array<AddedToken & { id: number }>;
  normalizer: Normalizer | null;
  preTokenizer: PreTokenizer | null;
  postProcessor: PostProcessor | null;
  decoder: Decoder | null;
  model: Model;
}

const TOP_LEVEL = new Set(['version', 'truncation', 'padding', 'added_tokens', 'normalizer', 'pre_tokenizer', 'post_processor', 'decoder', 'model']);

/**
 * Checks and reads a parsed tokenizer.json. `file` prefixes every message.
 * @throws TokenizerFormatError naming the field; UnsupportedComponentError naming a component llmkit lacks.
 */
export function readTokenizerJSON(json: unknown, file: string): TokenizerParts {
  try {
    checkDepth(json, 'the file');
    const top = new Fields(json, 'the file');
    // HF rejects unknown top-level fields (components may carry unknown ones).
    for (const key in top.value) if (!TOP_LEVEL.has(key)) throw new TokenizerFormatError(`unknown top-level field ${quote(key)}`);
    const version = top.string('version', '1.0');
    if (version !== '1.0') throw new TokenizerFormatError(`version: expected "1.0", got ${quote(version)}`);
    const component = <T>(key: string, read: (value: unknown, where: string) => T): T | null => {
      const v = top.raw(key);
      return v === undefined || v === null ? null : read(v, key);
    };
    if (!top.has('model')) throw new TokenizerFormatError('model: missing');
    return {
      version,
      truncation: component('truncation', readTruncation),
      padding: component('padding', readPadding),
      addedTokens: readAddedTokens(top),
      normalizer: component('normalizer', normalizerFromJSON),
      preTokenizer: component('pre_tokenizer', preTokenizerFromJSON),
      postProcessor: component('post_processor', postProcessorFromJSON),
      decoder: component('decoder', decoderFromJSON),
      model: modelFromJSON(top.raw('model'), 'model'),
    };
  } catch (e) {
    if (TokenizerFormatError.isInstance(e)) throw new TokenizerFormatError(`${file}: ${e.message}`);
    if (TokenizerError.isInstance(e)) throw e;
    // Anything else is a bug in a reader: still answer with llmkit's error, never a raw TypeError.
    throw new TokenizerFormatError(`${file}: could not be read (${e instanceof Error ? e.name : 'error'})`, { cause: e });
  }
}

function readAddedTokens(top: Fields): Array<AddedToken & { id: number }> {
  if (!top.has('added_tokens')) return [];
  return top.array('added_tokens').map((value, i) => {
    const t = new Fields(value, `added_tokens[${i}]`);
    return {
      id: t.id('id'),
      content: t.string('content'),
      singleWord: t.bool('single_word'),
      lstrip: t.bool('lstrip'),
      rstrip: t.bool('rstrip'),
      normalized: t.bool('normalized'),
      special: t.bool('special'),
    };
  });
}

function readTruncation(value: unknown, where: string): TruncationJSON {
  const t = new Fields(value, where);
  return {
    direction: t.oneOf('direction', ['Right', 'Left'] as const, 'Right'),
    max_length: t.count('max_length'),
    strategy: t.oneOf('strategy', ['LongestFirst', 'OnlyFirst', 'OnlySecond'] as const),
    stride: t.count('stride'),
  };
}

function readPadding(value: unknown, where: string): PaddingJSON {
  const p = new Fields(value, where);
  const raw = p.raw('strategy');
  let strategy: PaddingJSON['strategy'];
  if (raw === 'BatchLongest') strategy = 'BatchLongest';
  else strategy = { Fixed: p.object('strategy').count('Fixed') };
  return {
    strategy,
    direction: p.oneOf('direction', ['Right', 'Left'] as const),
    pad_to_multiple_of: p.nullableCount('pad_to_multiple_of', null),
    pad_id: p.count('pad_id', undefined, 0xffffffff),
    pad_type_id: p.count('pad_type_id', undefined, 0xffffffff),
    pad_token: p.string('pad_token'),
  };
}
