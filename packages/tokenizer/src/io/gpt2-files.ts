// GPT-2's original files: vocab.json (token → id) and merges.txt ("#version: 0.2" then "a b" lines).
import { TokenizerError, TokenizerFormatError } from '../errors.js';
import { ByteLevelDecoder } from '../decoders/byte-level.js';
import { BPE } from '../models/bpe.js';
import { ByteLevel } from '../pre-tokenizers/byte-level.js';
import { ByteLevelProcessing } from '../processors/byte-level.js';
import { Tokenizer } from '../tokenizer.js';

/**
 * A byte-level BPE tokenizer from vocab.json and merges.txt contents; `<|endoftext|>` becomes a special
 * token when the vocabulary has it.
 * @example
 * const tok = gpt2FromFiles(readFileSync('vocab.json', 'utf8'), readFileSync('merges.txt', 'utf8'));
 */
export function gpt2FromFiles(vocabJson: string | Record<string, number>, mergesTxt: string): Tokenizer {
  let vocab: Record<string, number>;
  try {
    vocab = typeof vocabJson === 'string' ? (JSON.parse(vocabJson) as Record<string, number>) : vocabJson;
  } catch (cause) {
    throw new TokenizerFormatError('vocab.json is not valid JSON', { cause });
  }
  const lines = mergesTxt.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const merges = lines.filter((l, i) => !(i === 0 && l.startsWith('#version')));
  const tok = new Tokenizer({
    model: new BPE({ vocab, merges: merges.map((m) => m.replace(/\r$/, '')) }),
    preTokenizer: new ByteLevel({ addPrefixSpace: false }),
    postProcessor: new ByteLevelProcessing(false),
    decoder: new ByteLevelDecoder(),
  });
  if ('<|endoftext|>' in vocab) tok.addSpecialTokens(['<|endoftext|>']);
  return tok;
}

/**
 * vocab.json and merges.txt contents of a BPE tokenizer: compact JSON ordered by id, as HF writes it,
 * with added tokens (e.g. `<|endoftext|>`) included as GPT-2's original vocab.json has them.
 */
export function toGpt2Files(tokenizer: Tokenizer): { vocabJson: string; mergesTxt: string } {
  const model = tokenizer.model;
  if (!(model instanceof BPE)) throw new TokenizerError(`GPT-2 files need a BPE model, this tokenizer has ${model.type}`);
  const vocab: Record<string, number> = {};
  for (const [token, id] of [...tokenizer.getVocab()].sort((x, y) => x[1] - y[1])) vocab[token] = id;
  const merges = model.merges.map(([a, b]) => `${a} ${b}`);
  return { vocabJson: JSON.stringify(vocab), mergesTxt: ['#version: 0.2', ...merges].join('\n') + '\n' };
}

/** Reads vocab.json and merges.txt (Node). */
export async function loadGpt2Files(vocabPath: string, mergesPath: string): Promise<Tokenizer> {
  const { readFile } = await import('node:fs/promises');
  return gpt2FromFiles(await readFile(vocabPath, 'utf8'), await readFile(mergesPath, 'utf8'));
}

/** Writes `vocab.json` and `merges.txt` into a directory (Node). */
export async function saveGpt2Files(tokenizer: Tokenizer, dir: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { vocabJson, mergesTxt } = toGpt2Files(tokenizer);
  await writeFile(join(dir, 'vocab.json'), vocabJson);
  await writeFile(join(dir, 'merges.txt'), mergesTxt);
}
