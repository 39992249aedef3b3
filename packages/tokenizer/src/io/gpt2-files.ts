// GPT-2's original files: vocab.json (token → id) and merges.txt ("#version: 0.2" then "a b" lines).
import { TokenizerError, TokenizerFormatError } from '../errors.js';
import { badValue, decodeUtf8, isPlainObject, MAX_ID, quote, readId } from './untrusted.js';
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
export function gpt2FromFiles(vocabJson: string | Record<string, number>, mergesTxt: string, files = { vocab: 'vocab.json', merges: 'merges.txt' }): Tokenizer {
  let vocab: unknown;
  try {
    vocab = typeof vocabJson === 'string' ? JSON.parse(vocabJson) : vocabJson;
  } catch {
    throw new TokenizerFormatError(`${files.vocab}: not valid JSON`);
  }
  if (!isPlainObject(vocab)) throw badValue(files.vocab, 'a {token: id} object', vocab);
  vocab = readVocabJson(vocab, files.vocab);
  let model: BPE;
  try {
    model = new BPE({ vocab: vocab as Record<string, number>, merges: readMergesTxt(mergesTxt, files.merges), where: files.vocab });
  } catch (e) {
    if (TokenizerFormatError.isInstance(e) && e.message.startsWith('BPE merge')) throw new TokenizerFormatError(`${files.merges}: ${e.message}`);
    throw e;
  }
  const tok = new Tokenizer({
    model,
    preTokenizer: new ByteLevel({ addPrefixSpace: false }),
    postProcessor: new ByteLevelProcessing({ trimOffsets: false }),
    decoder: new ByteLevelDecoder(),
  });
  if (model.tokenToId('<|endoftext|>') !== undefined) tok.addSpecialTokens(['<|endoftext|>']);
  return tok;
}

/**
 * vocab.json's entries as HF's BPE.read_file takes them: numbers must be non-negative integers, other
 * values are skipped. (HF wraps ids ≥ 2^32; llmkit rejects ids ≥ 2^31, see readId.)
 */
function readVocabJson(vocab: Record<string, unknown>, file: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [token, id] of Object.entries(vocab)) {
    if (typeof id !== 'number') continue;
    if (!Number.isInteger(id) || id < 0) throw badValue(`${file}[${quote(token)}]`, 'a token id (a non-negative integer)', id);
    out[token] = readId(id > 0xffffffff ? MAX_ID + 1 : id, `${file}[${quote(token)}]`);
  }
  return out;
}

/**
 * merges.txt as HF reads it: lines (a final newline ends the last one, `\r\n` counts as a newline),
 * lines starting with `#version` skipped, every other line exactly two tokens split by one space.
 */
export function readMergesTxt(text: string, file = 'merges.txt'): Array<[string, string]> {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const merges: Array<[string, string]> = [];
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('#version')) return;
    const space = line.indexOf(' ');
    if (space < 0 || line.indexOf(' ', space + 1) >= 0) {
      throw new TokenizerFormatError(`${file} line ${i + 1}: expected two tokens separated by one space, got ${quote(line)}`);
    }
    merges.push([line.slice(0, space), line.slice(space + 1)]);
  });
  return merges;
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
  const files = { vocab: quote(vocabPath), merges: quote(mergesPath) };
  return gpt2FromFiles(decodeUtf8(await readFile(vocabPath), files.vocab), decodeUtf8(await readFile(mergesPath), files.merges), files);
}

/** Writes `vocab.json` and `merges.txt` into a directory (Node). */
export async function saveGpt2Files(tokenizer: Tokenizer, dir: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { vocabJson, mergesTxt } = toGpt2Files(tokenizer);
  await writeFile(join(dir, 'vocab.json'), vocabJson);
  await writeFile(join(dir, 'merges.txt'), mergesTxt);
}
