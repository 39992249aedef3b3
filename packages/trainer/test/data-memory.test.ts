import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { packedBlocks, textFiles } from '../src/index.js';
import { codePoints, makeText, withTempDir } from './data-helpers.js';

describe('streaming', () => {
  it('a 50 MB corpus streams with bounded memory: live heap and buffers grow by less than 64 MB', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'big.txt');
      const out = createWriteStream(path);
      const chunk = makeText(7, 20_000); // ~0.55 MB
      const chunkChars = [...chunk].length;
      let size = 0;
      let chars = 0;
      while (size < 50 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        size += Buffer.byteLength(chunk);
        chars += chunkChars;
      }
      out.end();
      await once(out, 'close');

      // Live memory, not garbage V8 has yet to collect: measure right after a full collection.
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      gc();
      const base = process.memoryUsage();
      let peakHeap = 0;
      let peakBuffers = 0;
      let tokens = 0;
      let batches = 0;
      const data = packedBlocks({ source: textFiles(path), tokenizer: codePoints, blockSize: 512, batchSize: 32, shuffleBuffer: 1000, seed: 1 });
      for await (const batch of data) {
        tokens += batch.inputIds.length;
        if (++batches % 100 === 0) {
          gc();
          const m = process.memoryUsage();
          peakHeap = Math.max(peakHeap, m.heapUsed - base.heapUsed);
          peakBuffers = Math.max(peakBuffers, m.arrayBuffers - base.arrayBuffers);
        }
      }
      // Every character is read, less the last partial batch.
      expect(tokens).toBeGreaterThan(chars - 512 * 32);
      expect(tokens).toBeLessThanOrEqual(chars);
      console.log(`50 MB streamed: peak heap growth ${(peakHeap / 2 ** 20).toFixed(1)} MB, array buffers ${(peakBuffers / 2 ** 20).toFixed(1)} MB`);
      expect(peakHeap).toBeLessThan(64 << 20);
      expect(peakBuffers).toBeLessThan(64 << 20);
    });
  });
});
