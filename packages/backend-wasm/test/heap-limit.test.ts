// The 4 GiB edge of the wasm heap is an llmkit error, not a silent failure (issue 11, item 6):
// a tensor the allocator cannot place, and XNNPACK's printed "Got status 6", become ResourceErrors
// naming the allocation; other XNNPACK statuses become BackendErrors.
//
// Reaching the edge cheaply: ballast blocks are `_malloc`ed and never written (wasm-heap.ts).
// Growing a wasm memory only maps address space; a page takes RAM when it is first touched, and
// the allocator touches only a block's header. The test checks that resident memory grows by less
// than 256 MiB, so it is safe on a 24 GiB, 2-core CI machine (even under strict overcommit, where
// the 4 GiB would be charged but not used); the file runs in about a second.
//
// One thread and no BLAS, so that the matmul runs on XNNPACK (with a machine BLAS the product
// never enters XNNPACK) and the threaded build's workers are not started for nothing.
process.env.LLMKIT_WASM_THREADS = '1';
process.env.LLMKIT_BLAS = 'off';

import '@llmkit/backend-wasm';
import { BackendError, ResourceError, tf, useBackend } from '@llmkit/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installHeapGuard } from '../src/heap-guard.js';
import { recordWasmPrint } from '../src/wasm-print.js';
import { fillHeap, freeAll, wasmModule } from './wasm-heap.js';

const ADVICE = 'reduce the batch size or block size (sequence length), use a smaller model, or use a backend without this limit (webgpu)';

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('wasm heap at 4 GiB', () => {
  let rssBefore = 0;
  const ballast: number[] = [];

  beforeAll(async () => {
    await useBackend('wasm');
    rssBefore = process.memoryUsage().rss;
  });

  afterEach(() => freeAll(ballast));

  it('a tensor past the limit is a ResourceError naming its bytes, dtype, shape and kernel (not a tensor at address 0)', () => {
    ballast.push(...fillHeap(2 ** 20));
    expect(wasmModule().HEAPU8.length).toBeGreaterThan(2 ** 32 - 2 ** 20);
    const before = tf.memory().numTensors;
    const error = thrown(() => tf.fill([4096, 4096], 1));
    expect(ResourceError.isInstance(error), String(error)).toBe(true);
    expect(error.message).toBe(
      `wasm heap exhausted: cannot allocate 64.0 MiB (67108864 bytes) for a float32 [4096, 4096] tensor in Fill; the wasm heap is at 4.00 GiB of WebAssembly's 4 GiB: ${ADVICE}`,
    );
    expect(tf.memory().numTensors).toBe(before);
    // Uploading values fails the same way, before anything is written to the heap.
    expect(() => tf.tensor(new Float32Array(2 ** 22), [1024, 4096])).toThrow(
      /^wasm heap exhausted: cannot allocate 16\.0 MiB \(16777216 bytes\) for a float32 \[1024, 4096\] tensor;/,
    );
  });

  it('XNNPACK running out of memory in a matmul is a ResourceError naming the kernel, the XNNPACK call and the shapes', () => {
    const a = tf.randomNormal([512, 512]);
    const b = tf.randomNormal([512, 512]);
    // Room for the product only: XNNPACK's packed copy of b (another 1 MiB) does not fit.
    const wasm = wasmModule();
    const hole = wasm._malloc(512 * 512 * 4);
    ballast.push(...fillHeap(2 ** 20));
    wasm._free(hole);
    const before = tf.memory().numTensors;
    const error = thrown(() => tf.matMul(a, b));
    expect(ResourceError.isInstance(error), String(error)).toBe(true);
    expect(error.message).toBe(
      'wasm heap exhausted: XNNPACK could not allocate in BatchMatMul (a float32 [512, 512], b float32 [512, 512]) ' +
        `[xnn_create_fully_connected_nc_f32: status 6 out_of_memory]; the wasm heap is at 4.00 GiB of WebAssembly's 4 GiB: ${ADVICE}`,
    );
    // The uninitialised output was freed, not handed out.
    expect(tf.memory().numTensors).toBe(before);
    freeAll(ballast);
    // With the memory back, the same product is computed (checked against a dot product in JS).
    const y = tf.matMul(a, b);
    const [av, bv, yv] = [a.dataSync(), b.dataSync(), y.dataSync()];
    for (const [i, j] of [[0, 0], [3, 5], [511, 511]] as const) {
      let dot = 0;
      for (let k = 0; k < 512; k++) dot += av[i * 512 + k]! * bv[k * 512 + j]!;
      expect(Math.abs(yv[i * 512 + j]! - dot), `y[${i}, ${j}]`).toBeLessThan(1e-3);
    }
    tf.dispose([a, b, y]);
  });

  it('reaching the edge kept resident memory small (the ballast is never written)', () => {
    expect(wasmModule().HEAPU8.length).toBeGreaterThan(2 ** 32 - 2 ** 20);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 2 ** 20);
  });

  it('an XNNPACK failure other than out-of-memory is a BackendError, and the kernel output is freed', () => {
    // A kernel that reports what tfjs-wasm's C++ prints for a bad parameter, then returns a tensor.
    tf.registerKernel({
      kernelName: 'LlmkitTestXnnFailure',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend }) => {
        recordWasmPrint('XNN status for xnn_create_add_nd_f32 is not successful. Got status 2. Use -c dbg to see XNN logs.');
        return (backend as unknown as { makeOutput(shape: number[], dtype: string): tf.TensorInfo }).makeOutput(inputs.x!.shape, 'float32');
      },
    });
    installHeapGuard('wasm');
    const x = tf.ones([2, 3]);
    const before = tf.memory();
    const error = thrown(() => tf.engine().runKernel('LlmkitTestXnnFailure', { x }, {}));
    expect(BackendError.isInstance(error), String(error)).toBe(true);
    expect(error.message).toBe(
      "XNNPACK failed in LlmkitTestXnnFailure (x float32 [2, 3]) [xnn_create_add_nd_f32: status 2 invalid_parameter]; the kernel's output would be uninitialised memory",
    );
    expect(tf.memory().numBytes).toBe(before.numBytes);
    x.dispose();
    tf.unregisterKernel('LlmkitTestXnnFailure', 'wasm');
  });
});
