// The caching allocator on a fake device: blocks are reused by rounded size, out-of-memory releases
// the cache and retries once, then fails with a message naming the request and what to reduce.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CachingAllocator, roundBlockSize, type DeviceMemory } from '../src/memory/caching-allocator.js';
import { CudaError } from '../src/errors.js';
import type { DevicePointer } from '../src/ffi/driver.js';

/** A device with `capacity` bytes that fails as cuMemAlloc_v2 does. */
function fakeDevice(capacity: number) {
  let next = 0x1000n;
  let used = 0;
  const sizes = new Map<bigint, number>();
  const calls = { alloc: 0, free: 0 };
  const device: DeviceMemory = {
    alloc(bytes) {
      calls.alloc++;
      if (used + bytes > capacity) throw new CudaError({ library: 'driver', call: 'cuMemAlloc_v2', status: 2, statusName: 'CUDA_ERROR_OUT_OF_MEMORY' }, 'cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2)');
      used += bytes;
      const p = next;
      next += BigInt(bytes) + 0x100n;
      sizes.set(p, bytes);
      return p as DevicePointer;
    },
    free(ptr) {
      calls.free++;
      const b = sizes.get(ptr);
      if (b === undefined) throw new Error('double free in the fake device');
      sizes.delete(ptr);
      used -= b;
    },
    memInfo: () => ({ free: capacity - used, total: capacity }),
  };
  return { device, calls, used: () => used };
}

describe('roundBlockSize', () => {
  it('rounds up to 512 B below 1 MiB and to 2 MiB above: never smaller, granule-aligned, monotone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 * 2 ** 20 }), fc.integer({ min: 0, max: 2 ** 20 }), (b, d) => {
        const r = roundBlockSize(b);
        expect(r).toBeGreaterThanOrEqual(Math.max(b, 1));
        expect(r % (r < 2 ** 20 ? 512 : 2 * 2 ** 20)).toBe(0);
        expect(roundBlockSize(b + d)).toBeGreaterThanOrEqual(r);
      }),
      { seed: 12, numRuns: 300 },
    );
  });
});

describe('CachingAllocator', () => {
  it('a released block is reused for a request of the same rounded size: a steady loop stops allocating', () => {
    const { device, calls } = fakeDevice(1 << 30);
    const a = new CachingAllocator(device);
    for (let step = 0; step < 200; step++) {
      const blocks = [a.allocate(4000), a.allocate(1 << 21), a.allocate(12)];
      for (const b of blocks) a.release(b.ptr);
    }
    expect(calls.alloc).toBe(3);
    expect(a.stats()).toMatchObject({ bytesInUse: 0, blocksInUse: 0, deviceAllocations: 3, bytesCached: 4096 + (2 << 20) + 512 });
  });

  it('out of memory: the cache is released to the driver and the allocation retried', () => {
    const { device, calls, used } = fakeDevice(8 << 20);
    const a = new CachingAllocator(device);
    const x = a.allocate(6 << 20);
    a.release(x.ptr); // 6 MiB cached
    const y = a.allocate(4 << 20); // does not fit next to the cached block
    expect(calls.free).toBe(1);
    expect(used()).toBe(4 << 20);
    expect(a.stats()).toMatchObject({ bytesCached: 0, bytesInUse: 4 << 20 });
    a.release(y.ptr);
  });

  it('out of memory after the retry: a CudaError naming the request, what tensors hold and what to reduce', () => {
    const { device } = fakeDevice(8 << 20);
    const a = new CachingAllocator(device);
    a.allocate(6 << 20, 'a float32 tensor of shape [1536, 1024]');
    let error: unknown;
    try {
      a.allocate(4 << 20, 'a float32 tensor of shape [1024, 1024]');
    } catch (e) {
      error = e;
    }
    expect(CudaError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ call: 'cuMemAlloc_v2', statusName: 'CUDA_ERROR_OUT_OF_MEMORY' });
    expect((error as Error).message).toBe(
      'out of GPU memory allocating 4.0 MiB for a float32 tensor of shape [1024, 1024]: tensors hold 6.0 MiB in 1 blocks; ' +
        'the device has 2.0 MiB free of 8.0 MiB. Reduce the batch size, the sequence length or the model size, or dispose tensors you no longer need (tf.tidy).',
    );
  });

  it('releasing a block twice is a typed error, not a corrupted cache', () => {
    const a = new CachingAllocator(fakeDevice(1 << 20).device);
    const b = a.allocate(100);
    a.release(b.ptr);
    expect(() => a.release(b.ptr)).toThrow(/released a device block that is not live \(double free/);
    expect(a.stats().bytesCached).toBe(512);
  });

  it('emptyCache frees every cached block on the device', () => {
    const { device, calls, used } = fakeDevice(1 << 30);
    const a = new CachingAllocator(device);
    const bs = [a.allocate(10), a.allocate(10), a.allocate(3 << 20)];
    for (const b of bs) a.release(b.ptr);
    a.emptyCache();
    expect(calls.free).toBe(3);
    expect(used()).toBe(0);
    expect(a.stats().bytesCached).toBe(0);
  });
});
