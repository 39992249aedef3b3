// In-page batches: random windows of block + 1 characters (nanoGPT's get_batch) from one part of the
// text, as TokenBatches in an async iterable with reset() (evaluation rewinds it: the same windows each
// time) and getState()/setState() (the trainer saves the position in trainer.json, so a resumed run
// draws the windows the uninterrupted one would have). Each batch waits for a macrotask so the page
// can repaint between steps.
import { Rng } from '@llmkit/core';

export function randomWindows(ids, { blockSize, batchSize, seed }) {
  let rng = new Rng(seed);
  return {
    reset() {
      rng = new Rng(seed);
    },
    /** The generator's state after the last batch yielded. */
    getState() {
      return rng.getState();
    },
    setState(state) {
      const next = new Rng(seed);
      next.setState(state);
      rng = next;
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        const inputIds = new Int32Array(batchSize * blockSize);
        for (let b = 0; b < batchSize; b++) {
          const start = rng.nextInt(ids.length - blockSize);
          inputIds.set(ids.subarray(start, start + blockSize), b * blockSize);
        }
        yield { batchSize, length: blockSize, inputIds };
      }
    },
  };
}
