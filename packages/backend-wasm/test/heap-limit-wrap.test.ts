// At the 4 GiB edge tfjs-wasm 4.22's allocator (both builds) does not always fail: when its break
// would cross 2^32 it wraps around, returns a block that runs past the end of memory, and would
// then hand out memory already in use. The guard turns the first such block into a ResourceError
// and refuses all later work. Costs no RAM (three 1 GiB blocks mapped, never written; see
// wasm-heap.ts), so safe on a 24 GiB, 2-core CI machine. It leaves this file's wasm module unusable
// on purpose: vitest runs each test file in its own worker.
import '@llmkit/backend-wasm';
import { ResourceError, tf, useBackend } from '@llmkit/core';
import { beforeAll, expect, it } from 'vitest';
import { wasmModule } from './wasm-heap.js';

beforeAll(async () => {
  await useBackend('wasm');
});

it('a block the allocator places past the 4 GiB end is a ResourceError, and the backend then refuses work', () => {
  const x = tf.ones([4]);
  const wasm = wasmModule();
  const rssBefore = process.memoryUsage().rss;
  let highestEnd = 0;
  for (let i = 0; i < 3; i++) highestEnd = Math.max(highestEnd, (wasm._malloc(2 ** 30) >>> 0) + 2 ** 30);
  // A block whose end lies 1 MiB past 2^32 if it is taken from the top of the heap.
  const size = 2 ** 32 - highestEnd + 2 ** 20;
  let error: unknown;
  try {
    wasm._malloc(size);
  } catch (e) {
    error = e;
  }
  expect(ResourceError.isInstance(error), String(error)).toBe(true);
  expect((error as Error).message).toMatch(
    /^wasm heap exhausted: its allocator placed [\d.]+ [MG]iB for a buffer past the end of the 4 GiB heap; the backend cannot run again in this process: reduce the batch size or block size/,
  );
  expect(() => tf.add(x, x)).toThrow(/^wasm heap exhausted: its allocator placed .* the backend cannot run again in this process/);
  expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 2 ** 20);
});
