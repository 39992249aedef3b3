// BERT's vocab.txt: one token per line, the id is the line number.
import { TokenizerError } from '../errors.js';
import { WordPiece } from '../models/wordpiece.js';
import { bertWordPiece, type BertWordPieceOptions } from '../presets.js';
import type { Tokenizer } from '../tokenizer.js';
import { charClass, WHITE_SPACE } from '../unicode/char-classes.js';
import { decodeUtf8, quote } from './untrusted.js';

/**
 * A BERT tokenizer (BertNormalizer, BertPreTokenizer, WordPiece, [CLS]/[SEP] template) from vocab.txt.
 * @example
 * const tok = bertFromVocabTxt(readFileSync('vocab.txt', 'utf8'), { lowercase: true });
 */
export function bertFromVocabTxt(vocabTxt: string, options: Omit<BertWordPieceOptions, 'vocab'> = {}): Tokenizer {
  return bertWordPiece({ ...options, vocab: readVocabTxt(vocabTxt) });
}

/**
 * vocab.txt as HF's WordPiece reads it: line i is token i with trailing White_Space trimmed (Rust's
 * trim_end), a final newline ends the last line, and a repeated token keeps its last line's id.
 */
export function readVocabTxt(text: string): Map<string, number> {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const vocab = new Map<string, number>();
  lines.forEach((line, i) => {
    let end = line.length;
    while (end > 0 && charClass(line.charCodeAt(end - 1)) & WHITE_SPACE) end--;
    vocab.set(line.slice(0, end), i);
  });
  return vocab;
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
  return bertFromVocabTxt(decodeUtf8(await readFile(path), quote(path)), options);
}
