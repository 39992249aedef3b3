// Test helpers that bring the wasm heap to WebAssembly's 4 GiB edge cheaply: ballast blocks are
// `_malloc`ed and never written, so the memory is mapped but not resident (no RAM is used).
import { ResourceError, tf } from '@llmkit/core';

export interface WasmModule {
  _malloc(bytes: number): number;
  _free(at: number): void;
  HEAPU8: Uint8Array;
}

export function wasmModule(): WasmModule {
  return (tf.backend() as unknown as { wasm: WasmModule }).wasm;
}

/** The largest heap tfjs-wasm's builds grow to (Emscripten's getHeapMax: 4 GiB less one 64 KiB page). */
const HEAP_MAX = 2 ** 32 - 2 ** 16;
/** Bound on how far the allocator's break lies past the end of the highest block (granularity + padding). */
const BREAK_SLACK = 2 ** 18;

/**
 * Allocates blocks of 1 GiB, then halving, down to `smallest` bytes, until the heap is at 4 GiB
 * and its break within `smallest` (plus slack) of the top. A block is asked for only while the
 * break cannot cross 2^32 (where tfjs-wasm's allocator wraps around: see heap-guard.ts), tracked as
 * the end of the highest block so far.
 */
export function fillHeap(smallest: number): number[] {
  const wasm = wasmModule();
  const blocks: number[] = [];
  let highestEnd = 0;
  for (const at of [wasm._malloc(16) >>> 0]) {
    highestEnd = at + 16;
    blocks.push(at);
  }
  for (let size = 2 ** 30; size >= smallest; ) {
    if (highestEnd + size + BREAK_SLACK >= HEAP_MAX) {
      size /= 2;
      continue;
    }
    let at = 0;
    try {
      at = wasm._malloc(size) >>> 0;
    } catch (e) {
      if (!ResourceError.isInstance(e) || !e.message.startsWith('wasm heap exhausted: cannot allocate')) throw e;
    }
    if (at === 0) {
      size /= 2;
      continue;
    }
    blocks.push(at);
    highestEnd = Math.max(highestEnd, at + size);
  }
  return blocks;
}

export function freeAll(blocks: number[]): void {
  const wasm = wasmModule();
  for (const at of blocks.splice(0)) wasm._free(at);
}
