// BERT's vocab.txt: one token per line, the id is the line number.
import { TokenizerError } from '../errors.js';
import { WordPiece } from '../models/wordpiece.js';
import { bertWordPiece, type BertWordPieceOptions } from '../presets.js';
import type { Tokenizer } from '../tokenizer.js';

/**
 * A BERT tokenizer (BertNormalizer, BertPreTokenizer, WordPiece, [CLS]/[SEP] template) from vocab.txt.
 * @example
 * const tok = bertFromVocabTxt(readFileSync('vocab.txt', 'utf8'), { lowercase: true });
 */
export function bertFromVocabTxt(vocabTxt: string, options: Omit<BertWordPieceOptions, 'vocab'> = {}): Tokenizer {
  const lines = vocabTxt.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const vocab = new Map<string, number>();
  lines.forEach((line, i) => {
    const token = line.replace(/\r$/, '');
    if (!vocab.has(token)) vocab.set(token, i);
  });
  return bertWordPiece({ ...options, vocab });
}

/** vocab.txt content of a WordPiece tokenizer. */
export function toBertVocabTxt(tokenizer: Tokenizer): string {
  const model = tokenizer.model;
  if (!(model instanceof WordPiece)) throw new TokenizerError(`vocab.txt needs a WordPiece model, this tokenizer has ${model.type}`);
  const lines: string[] = [];
  for (let id = 0; id < model.vocabSize; id++) lines.push(model.idToToken(id) ?? '');
  return lines.join('\n') + '\n';
}

/** Reads vocab.txt (Node). */
export async function loadBertVocab(path: string, options: Omit<BertWordPieceOptions, 'vocab'> = {}): Promise<Tokenizer> {
  const { readFile } = await import('node:fs/promises');
  return bertFromVocabTxt(await readFile(path, 'utf8'), options);
}
