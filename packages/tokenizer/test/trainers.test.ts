// Trainers: byte-level BPE (vocab size, min frequency, special tokens, initial alphabet), WordPiece and
// char vocabularies; determinism; streaming over chunks and files equals training on the whole text.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  BPE,
  BpeTrainer,
  bertWordPiece,
  byteLevelAlphabet,
  byteLevelBpe,
  charLevel,
  CharTrainer,
  readTextFiles,
  Tokenizer,
  TokenizerConfigError,
  WordCounter,
  WordPieceTrainer,
} from '../src/index.js';
import { mixed, prng, shakespeare } from './corpus.js';

const corpus = shakespeare.slice(0, 100_000) + '\n' + mixed;

async function trainBpe(source: Parameters<Tokenizer['train']>[0], vocabSize = 1000, minFrequency = 0): Promise<Tokenizer> {
  const tok = byteLevelBpe();
  await tok.train(source, new BpeTrainer({ vocabSize, minFrequency, specialTokens: ['<|endoftext|>', '<pad>'], initialAlphabet: byteLevelAlphabet() }));
  return tok;
}

/** Splits text into chunks at random positions (surrogate pairs kept whole, as a UTF-8 stream decoder does). */
function* randomChunks(text: string, seed: number): Generator<string> {
  const rand = prng(seed);
  let i = 0;
  while (i < text.length) {
    let j = Math.min(text.length, i + 1 + Math.floor(rand() * 5000));
    if (j < text.length && (text.charCodeAt(j) & 0xfc00) === 0xdc00) j++;
    yield text.slice(i, j);
    i = j;
  }
}

describe('BpeTrainer (byte-level)', () => {
  test('vocabulary: special tokens first, then the 256 byte characters, then merges up to vocabSize', async () => {
    const tok = await trainBpe(corpus);
    expect(tok.getVocabSize()).toBe(1000);
    expect(tok.tokenToId('<|endoftext|>')).toBe(0);
    expect(tok.tokenToId('<pad>')).toBe(1);
    for (const ch of byteLevelAlphabet()) expect(tok.model.tokenToId(ch)).toBeDefined();
    expect((tok.model as BPE).merges.length).toBe(1000 - 2 - 256);
  });

  test('training is deterministic: two runs give the same tokenizer.json', async () => {
    expect((await trainBpe(corpus)).toString()).toBe((await trainBpe(corpus)).toString());
  });

  test('minFrequency: no merge is learned from a pair seen fewer times', async () => {
    const text = 'ab ab ab cd cd xy';
    const tok = await trainBpe(text, 400, 2);
    const merges = (tok.model as BPE).merges.map(([a, b]) => a + b);
    expect(merges).toContain('ab');
    expect(merges).toContain('cd');
    expect(merges).not.toContain('xy');
    expect(tok.getVocabSize()).toBeLessThan(400);
  });

  test('initial alphabet: characters absent from the corpus are still encodable', async () => {
    const tok = await trainBpe('only ascii here', 300);
    const text = '中文 😀 naïve';
    expect(tok.decode(tok.encodeIds(text))).toBe(text);
    expect(Array.from(tok.encodeIds(text)).every((id) => id < 300)).toBe(true);
  });

  test('property: a trained tokenizer round-trips arbitrary well-formed text', async () => {
    const tok = await trainBpe(corpus, 800);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (text) => {
        expect(tok.decode(tok.encodeIds(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
    expect(tok.decode(tok.encodeIds(corpus))).toBe(corpus);
  });

  test('streaming: random chunks of an async iterable train the same model as the whole text', async () => {
    async function* chunks(): AsyncGenerator<string> {
      yield* randomChunks(corpus, 3);
    }
    const whole = await trainBpe(corpus);
    const streamed = await trainBpe(chunks());
    expect(streamed.toString()).toBe(whole.toString());
  });

  test('streaming from files: readTextFiles over two files equals training on their concatenation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmkit-tok-'));
    try {
      const half = corpus.indexOf('\nA', corpus.length >> 1) + 1; // cut where a line starts
      writeFileSync(join(dir, 'a.txt'), corpus.slice(0, half));
      writeFileSync(join(dir, 'b.txt'), corpus.slice(half));
      const fromFiles = await trainBpe(readTextFiles(join(dir, 'a.txt'), join(dir, 'b.txt')));
      expect(fromFiles.toString()).toBe((await trainBpe(corpus)).toString());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the word counter counts chunk by chunk: same counts whole or in random pieces', async () => {
    const pipeline = byteLevelBpe();
    const whole = new WordCounter(pipeline);
    await whole.consume(corpus);
    for (const seed of [1, 2]) {
      const pieces = new WordCounter(pipeline);
      await pieces.consume(randomChunks(corpus, seed));
      expect(pieces.counts()).toEqual(whole.counts());
    }
  });
});

describe('WordPieceTrainer and CharTrainer', () => {
  test('WordPiece: BERT specials first, numbered as the bertWordPiece preset ([PAD] 0), ## continuation pieces, deterministic', async () => {
    const train = async () => {
      const tok = bertWordPiece();
      await tok.train(corpus, new WordPieceTrainer({ vocabSize: 1500 }));
      return tok;
    };
    const tok = await train();
    expect(tok.getVocabSize()).toBe(1500);
    expect(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t) => tok.tokenToId(t))).toEqual([0, 1, 2, 3, 4]);
    const vocab = [...tok.getVocab().keys()];
    expect(vocab.some((t) => t.startsWith('##'))).toBe(true);
    expect(tok.toString()).toBe((await train()).toString());
    const e = tok.encode('Romeo, wherefore art thou?');
    expect(e.tokens[0]).toBe('[CLS]');
    expect(e.tokens.at(-1)).toBe('[SEP]');
    expect(tok.decode(e.ids)).toBe('romeo, wherefore art thou?');
  });

  test('Char: sorted characters after the special tokens; unknown characters map to the unk token', async () => {
    const tok = charLevel();
    await tok.train(randomChunks(shakespeare, 9), new CharTrainer({ specialTokens: ['<unk>'], unkToken: '<unk>' }));
    const chars = [...new Set(shakespeare)].sort();
    expect(tok.getVocabSize()).toBe(chars.length + 1);
    expect(tok.idToToken(1)).toBe(chars[0]);
    expect(tok.decode(tok.encodeIds('To be, or not to be'))).toBe('To be, or not to be');
    expect(Array.from(tok.encodeIds('é'))).toEqual([0]);
  });
});

describe('training sources', () => {
  test('train() takes a sync iterable, an async iterable and a { read() } source (as @llmkit/trainer’s textFiles) and counts the same words', async () => {
    const chunks = [corpus.slice(0, 40_000), corpus.slice(40_000)];
    const whole = await trainBpe(corpus, 600);
    const fromArray = await trainBpe(chunks, 600);
    const fromAsync = await trainBpe(
      (async function* () {
        yield* chunks;
      })(),
      600,
    );
    // What textFiles(...) of @llmkit/trainer returns: an object whose read() yields { text, last } pieces.
    const documentSource = {
      describe: () => 'two documents',
      async *read() {
        yield { text: chunks[0]!, position: 0, key: 'a', last: false };
        yield { text: chunks[1]!, position: 1, key: 'a', last: true };
      },
    };
    const fromRead = await trainBpe(documentSource, 600);
    for (const tok of [fromArray, fromAsync, fromRead]) expect(tok.toString()).toBe(whole.toString());
  });

  test('a source that is not text is a TokenizerConfigError naming what it got, not "source is not iterable"', async () => {
    await expect(trainBpe(42 as never)).rejects.toThrow(/train: the text source must be .* got 42/);
    await expect(trainBpe({ read: () => 5 } as never)).rejects.toThrow(TokenizerConfigError);
    await expect(trainBpe([1, 2] as never)).rejects.toThrow(/chunk 0 of the text source must be a string or \{ text \}, got 1/);
  });
});
