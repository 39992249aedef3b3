import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@llmkit/core';
import { CausalLM, type TokenBatch } from '@llmkit/objectives';
import { CharTrainer, charLevel } from '@llmkit/tokenizer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonlFiles, packedBlocks, textFiles, trainValidation, type PackedBlocksOptions } from '../src/index.js';
import { codePoints, makeText, withTempDir, take } from './data-helpers.js';

const rows = (batches: TokenBatch[]): number[][] =>
  batches.flatMap((b) => Array.from({ length: b.batchSize }, (_, i) => Array.from(b.inputIds).slice(i * b.length!, (i + 1) * b.length!)));

const EOS = 0;

/** HF's group_texts on the whole corpus at once: the reference the streaming packer must equal. */
function groupTexts(docs: string[], blockSize: number, stride = blockSize): number[][] {
  const all = docs.flatMap((d) => [...codePoints.encodeIds(d), EOS]);
  const out: number[][] = [];
  for (let s = 0; s + blockSize <= all.length; s += stride) out.push(all.slice(s, s + blockSize));
  return out;
}

async function corpus(dir: string): Promise<string[]> {
  // 40 documents of very different lengths, one per JSONL record.
  const docs = Array.from({ length: 40 }, (_, i) => makeText(i + 1, 1 + ((i * 37) % 90)).trim());
  await writeFile(join(dir, 'a.jsonl'), docs.slice(0, 25).map((text) => JSON.stringify({ text })).join('\n'));
  await writeFile(join(dir, 'b.jsonl'), docs.slice(25).map((text) => JSON.stringify({ text })).join('\n'));
  return docs;
}

describe('packedBlocks', () => {
  it('without shuffling equals group_texts over the whole corpus (EOS between documents), also with a stride', async () => {
    await withTempDir(async (dir) => {
      const docs = await corpus(dir);
      for (const [blockSize, stride] of [[64, 64], [33, 32], [7, 3]] as const) {
        const data = packedBlocks({ source: jsonlFiles(`${dir}/*.jsonl`), tokenizer: codePoints, blockSize, stride, batchSize: 4, eosTokenId: EOS, dropLast: false });
        const batches = await take(data);
        expect([batches[0]!.batchSize, batches[0]!.length]).toEqual([4, blockSize]);
        expect(batches[0]!.inputIds).toBeInstanceOf(Int32Array);
        expect(rows(batches)).toEqual(groupTexts(docs, blockSize, stride));
      }
    });
  });

  it('a shuffle buffer permutes the blocks: the same multiset, another order, the same order for the same seed', async () => {
    await withTempDir(async (dir) => {
      await corpus(dir);
      const options: PackedBlocksOptions = { source: jsonlFiles(`${dir}/*.jsonl`), tokenizer: codePoints, blockSize: 16, batchSize: 8, eosTokenId: EOS, dropLast: false };
      const plain = rows(await take(packedBlocks(options)));
      const shuffled = rows(await take(packedBlocks({ ...options, shuffleBuffer: 64, seed: 3 })));
      const again = rows(await take(packedBlocks({ ...options, shuffleBuffer: 64, seed: 3 })));
      const other = rows(await take(packedBlocks({ ...options, shuffleBuffer: 64, seed: 4 })));
      const key = (r: number[][]) => r.map((x) => x.join(',')).sort();
      expect(key(shuffled)).toEqual(key(plain));
      expect(shuffled).not.toEqual(plain);
      expect(again).toEqual(shuffled);
      expect(other).not.toEqual(shuffled);
    });
  });

  it('train/validation split: disjoint parts that together are the corpus, by block or by document', async () => {
    await withTempDir(async (dir) => {
      const docs = await corpus(dir);
      const base: PackedBlocksOptions = { source: jsonlFiles(`${dir}/*.jsonl`), tokenizer: codePoints, blockSize: 8, batchSize: 1, eosTokenId: EOS };
      const all = rows(await take(packedBlocks(base)));
      const byBlock = trainValidation(packedBlocks, base, { fraction: 0.1, by: 'block' });
      const train = rows(await take(byBlock.train));
      const validation = rows(await take(byBlock.validation));
      expect(validation.length).toBe(Math.floor(all.length * 0.1));
      expect(validation).toEqual(all.filter((_, k) => Math.floor((k + 1) * 0.1) > Math.floor(k * 0.1)));
      expect(train).toEqual(all.filter((_, k) => Math.floor((k + 1) * 0.1) === Math.floor(k * 0.1)));

      // By document: every validation block decodes to text of validation documents only.
      const byDoc = trainValidation(packedBlocks, { ...base, blockSize: 1 }, { fraction: 0.25 });
      const text = (r: number[][]) => String.fromCodePoint(...r.flat()).split(String.fromCodePoint(EOS)).filter((d) => d !== '');
      const trainDocs = text(rows(await take(byDoc.train)));
      const valDocs = text(rows(await take(byDoc.validation)));
      expect([...trainDocs, ...valDocs].sort()).toEqual([...docs].sort());
      expect(valDocs.length).toBeGreaterThan(3);
      expect(trainDocs.some((d) => valDocs.includes(d))).toBe(false);
    });
  });

  it('exact resume: N batches, getState, a new pipeline with setState gives the batches an uninterrupted run gives next', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'big.txt'), makeText(9, 45_000)); // ~1.2 MB: several 1 MB pieces
      await corpus(dir);
      const settings = [
        { source: textFiles(join(dir, 'big.txt')), blockSize: 64, batchSize: 16 },
        { source: jsonlFiles(`${dir}/*.jsonl`), blockSize: 12, batchSize: 3, stride: 10, split: { part: 'train' as const, fraction: 0.2, by: 'block' as const } },
        { source: jsonlFiles(`${dir}/*.jsonl`), blockSize: 5, batchSize: 4, split: { part: 'validation' as const, fraction: 0.3 } },
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...settings.keys()),
          fc.constantFrom(0, 1, 50),
          fc.integer({ min: 0, max: 1e6 }),
          fc.integer({ min: 0, max: 140 }),
          async (which, shuffleBuffer, seed, stop) => {
            const options: PackedBlocksOptions = { ...settings[which]!, tokenizer: codePoints, eosTokenId: EOS, shuffleBuffer, seed, epochs: 3 };
            const straight = await take(packedBlocks(options), stop + 20);
            const first = packedBlocks(options);
            const before = await take(first, stop);
            const state = JSON.parse(JSON.stringify(first.getState()));
            const resumed = packedBlocks(options);
            resumed.setState(state);
            const after = await take(resumed, 20);
            expect([...before, ...after]).toEqual(straight);
            // Iterating the first pipeline again also continues where it stopped.
            expect(await take(first, 20)).toEqual(after);
          },
        ),
        { numRuns: 24 },
      );
    });
  });

  it('epochs repeat the corpus with a fresh shuffle; reset() starts over', async () => {
    await withTempDir(async (dir) => {
      await corpus(dir);
      const options: PackedBlocksOptions = { source: jsonlFiles(`${dir}/*.jsonl`), tokenizer: codePoints, blockSize: 32, batchSize: 1, eosTokenId: EOS };
      const one = rows(await take(packedBlocks(options)));
      const two = packedBlocks({ ...options, epochs: 2 });
      expect(rows(await take(two))).toEqual([...one, ...one]);
      two.reset();
      expect(rows(await take(two, one.length))).toEqual(one);
      const forever = packedBlocks({ ...options, epochs: Infinity, shuffleBuffer: 8 });
      expect((await take(forever, 3 * one.length + 5)).length).toBe(3 * one.length + 5);
    });
  });

  it('setState refuses a state saved under other options, naming the option', async () => {
    await withTempDir(async (dir) => {
      await corpus(dir);
      const options: PackedBlocksOptions = { source: jsonlFiles(`${dir}/*.jsonl`), tokenizer: codePoints, blockSize: 32, batchSize: 2 };
      const state = packedBlocks(options).getState();
      const error = (() => {
        try {
          packedBlocks({ ...options, batchSize: 3 }).setState(state);
        } catch (e) {
          return e;
        }
      })();
      expect(ConfigError.isInstance(error)).toBe(true);
      expect(String(error)).toMatch(/saved with 'batchSize' = 2, this pipeline has 3/);
      expect(() => packedBlocks(options).setState({ version: 7 })).toThrow(/version 7/);
    });
  });

  it("feeds CausalLM with the char-level Tokenizer of @llmkit/tokenizer: labels are the rows shifted", async () => {
    await withTempDir(async (dir) => {
      const text = makeText(5, 400);
      await writeFile(join(dir, 'a.txt'), text);
      const tokenizer = charLevel();
      await tokenizer.train([text], new CharTrainer());
      const [batch] = await take(packedBlocks({ source: textFiles(join(dir, 'a.txt')), tokenizer, blockSize: 9, batchSize: 4 }), 1);
      expect(tokenizer.decode(batch!.inputIds)).toBe([...text].slice(0, 36).join(''));
      const prepared = new CausalLM().prepare(batch!);
      expect(prepared.inputs.inputIds!.shape).toEqual([4, 9]);
      expect(Array.from(prepared.targets.labels!.values.subarray(0, 8))).toEqual(Array.from(batch!.inputIds).slice(1, 9));
    });
  });

  it('a corpus shorter than one block is an error, not an endless loop', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'a.txt'), 'tiny');
      await expect(take(packedBlocks({ source: textFiles(join(dir, 'a.txt')), tokenizer: codePoints, blockSize: 64, batchSize: 1, epochs: Infinity }))).rejects.toThrow(
        /gave no items/,
      );
    });
  });

  it('rejects bad options with a ConfigError naming the key', () => {
    const source = textFiles('x.txt');
    expect(() => packedBlocks({ source, tokenizer: codePoints, blockSize: 0, batchSize: 1 })).toThrow(/'blockSize' must be a positive integer, got 0/);
    expect(() => packedBlocks({ source, tokenizer: codePoints, blockSize: 8, stride: 9, batchSize: 1 })).toThrow(/'stride' must be <= blockSize = 8, got 9/);
    expect(() => packedBlocks({ source, tokenizer: {} as never, blockSize: 8, batchSize: 1 })).toThrow(/'tokenizer' must have encodeIds/);
    expect(() => packedBlocks({ source, tokenizer: codePoints, blockSize: 8, batchSize: 1, split: { part: 'train', fraction: 1 } })).toThrow(/'split.fraction' must be in \(0, 1\), got 1/);
  });
});
