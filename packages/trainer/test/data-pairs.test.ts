import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from '@llmkit/core';
import { NextSentence, SentenceOrder, type SentencePairBatch } from '@llmkit/objectives';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { segmentPairs, textFiles, type SegmentPairsOptions } from '../src/index.js';
import { codePoints, decodeCodePoints, makeText, withTempDir, take } from './data-helpers.js';

async function paragraphs(dir: string): Promise<string[]> {
  const docs = Array.from({ length: 30 }, (_, i) => makeText(100 + i, 3 + (i % 9)).replace(/\n\n+/g, '\n').trim());
  await writeFile(join(dir, 'a.txt'), docs.join('\n\n') + '\n');
  return docs;
}

describe('segmentPairs', () => {
  it('pairs are consecutive segments of one document: A then B is a run of its lines, within maxLength - 3', async () => {
    await withTempDir(async (dir) => {
      const docs = await paragraphs(dir);
      const maxLength = 40;
      const data = segmentPairs({ source: textFiles(join(dir, 'a.txt'), { sampleBy: 'paragraph' }), tokenizer: codePoints, maxLength, batchSize: 4, dropLast: false });
      const pairs = (await take(data)).flatMap((b) => b.pairs);
      expect(pairs.length).toBeGreaterThan(30);
      for (const { a, b, document } of pairs) {
        expect(a.length).toBeGreaterThan(0);
        expect(b.length).toBeGreaterThan(0);
        expect(a.length).toBeLessThanOrEqual(maxLength - 3);
        expect(b.length).toBeLessThanOrEqual(maxLength - 3);
        // Lines are joined without their newline in the ids, so compare with the document's lines joined.
        expect(docs[document!]!.replace(/\n/g, '')).toContain(decodeCodePoints(a) + decodeCodePoints(b));
      }
      expect(new Set(pairs.map((p) => p.document)).size).toBe(docs.length);
    });
  });

  it('batches are what SentenceOrder and NextSentence prepare', async () => {
    await withTempDir(async (dir) => {
      await paragraphs(dir);
      const [batch] = await take(segmentPairs({ source: textFiles(join(dir, 'a.txt'), { sampleBy: 'paragraph' }), tokenizer: codePoints, maxLength: 24, batchSize: 6 }), 1);
      const sop = new SentenceOrder({ clsTokenId: 1, sepTokenId: 2, maxLength: 24 }).prepare(batch!, new Rng(0));
      expect(sop.inputs.inputIds!.shape).toEqual([6, 24]);
      const nsp = new NextSentence({ clsTokenId: 1, sepTokenId: 2, maxLength: 24 }).prepare(batch!, new Rng(0));
      expect(nsp.targets.nspLabels!.shape).toEqual([6]);
    });
  });

  it('exact resume of pairs, with and without a shuffle buffer', async () => {
    await withTempDir(async (dir) => {
      await paragraphs(dir);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(0, 16), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 25 }), async (shuffleBuffer, seed, stop) => {
          const options: SegmentPairsOptions = {
            source: textFiles(join(dir, 'a.txt'), { sampleBy: 'paragraph' }),
            tokenizer: codePoints,
            maxLength: 32,
            batchSize: 3,
            shuffleBuffer,
            seed,
            epochs: 2,
          };
          const straight = await take(segmentPairs(options), stop + 10);
          const first = segmentPairs(options);
          const before = await take(first, stop);
          const resumed = segmentPairs(options);
          resumed.setState(JSON.parse(JSON.stringify(first.getState())));
          const after: SentencePairBatch[] = await take(resumed, 10);
          expect([...before, ...after]).toEqual(straight);
        }),
        { numRuns: 15 },
      );
    });
  });
});
