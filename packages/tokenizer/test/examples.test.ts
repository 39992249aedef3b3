// Runs every file in examples/ (the README includes them verbatim) against the built package, in a
// scratch directory holding the small files they read: a corpus, a vocab.txt, a bad tokenizer.json.
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { bertWordPiece, toBertVocabTxt, WordPieceTrainer } from '../src/index.js';
import { mixed, shakespeare } from './corpus.js';

const examplesDir = fileURLToPath(new URL('../examples/', import.meta.url));
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.ts'));
const cwd = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), 'llmkit-tokenizer-examples-'));

beforeAll(async () => {
  writeFileSync(join(scratch, 'corpus.txt'), shakespeare.slice(0, 60_000));
  // A bert-base-like vocab.txt: [PAD] 0, [unused…], [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103, then a trained vocabulary.
  const trained = bertWordPiece();
  await trained.train(shakespeare.slice(0, 60_000) + mixed, new WordPieceTrainer({ vocabSize: 600, specialTokens: [] }));
  const words = toBertVocabTxt(trained).trimEnd().split('\n').filter((t) => !t.startsWith('['));
  const head = Array.from({ length: 100 }, (_, i) => (i === 0 ? '[PAD]' : `[unused${i}]`));
  writeFileSync(join(scratch, 'vocab.txt'), [...head, '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...words].join('\n') + '\n');
  mkdirSync(join(scratch, 'downloaded'));
  writeFileSync(
    join(scratch, 'downloaded/tokenizer.json'),
    JSON.stringify({ ...trained.toJSON(), pre_tokenizer: { type: 'ByteLevel', add_prefix_space: 'false', trim_offsets: true } }),
  );
  process.chdir(scratch);
});
afterAll(() => process.chdir(cwd));

describe('examples (as the README shows them)', () => {
  test('every example is tested here', () => {
    expect(examples.sort()).toEqual(['encode-batch.ts', 'load-gpt2.ts', 'train-tokenizer.ts', 'untrusted-file.ts']);
  });

  /** Imports an example (a fresh module each time) and returns what it logged. */
  async function run(name: string): Promise<unknown[][]> {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import(`${join(examplesDir, name)}?run=${Date.now()}`);
      return log.mock.calls;
    } finally {
      log.mockRestore();
    }
  }

  test('train-tokenizer.ts trains, saves, round-trips and reports ids', async () => {
    const out = await run('train-tokenizer.ts');
    expect(out[0]).toEqual(['Wherefore art thou?']);
    expect(out[1]![0]).toMatchObject({ bosTokenId: 0, eosTokenId: 0 });
    expect((out[1]![0] as { vocabSize: number }).vocabSize).toBeGreaterThan(256);
  });

  test('load-gpt2.ts gives GPT-2 ids, offsets and ids, and both file layouts reload', async () => {
    const out = await run('load-gpt2.ts');
    expect(Array.from(out[0]![0] as Int32Array)).toEqual([15496, 995]);
    expect(Array.from(out[1]![0] as Int32Array)).toEqual([0, 5, 5, 11]);
    expect(out[2]![0]).toEqual({ vocabSize: 50257, bosTokenId: 50256, eosTokenId: 50256 });
    // HF tokenizers' ids for this string (U+FEFF is its own token, U+0085 whitespace): see gpt2-unicode.test.ts.
    expect(Array.from(out[3]![0] as Int32Array).slice(0, 3)).toEqual([171, 119, 123]);
    expect(out[4]).toEqual([true]);
  });

  test('encode-batch.ts pads BERT pairs and reports bert-base ids', async () => {
    const out = await run('encode-batch.ts');
    const ids = out[0]![0] as Int32Array;
    expect(ids[0]).toBe(101);
    expect(Array.from(out[2]![0] as Uint8Array)).toContain(0);
    expect(out[5]![0]).toMatchObject({ padTokenId: 0, unkTokenId: 100, clsTokenId: 101, sepTokenId: 102, maskTokenId: 103 });
  });

  test('untrusted-file.ts reports the error code and a message naming the file and field', async () => {
    const out = await run('untrusted-file.ts');
    expect(out[0]).toEqual(['TokenizerFormatError']);
    expect(out[1]![0]).toBe('"downloaded/tokenizer.json": pre_tokenizer.add_prefix_space: expected true or false, got the string "false"');
  });
});
