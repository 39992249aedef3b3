// A caching allocator for device memory, as PyTorch's: freed blocks are kept by rounded size and
// reused, so a training step's allocations (the same sizes every step) stop calling cuMemAlloc,
// which synchronises the device. On out-of-memory the cache is released and the allocation
// retried once; failing again, a CudaError names the request, what tensors hold, what the cache
// held and what to reduce.
import { CudaError } from '../errors.js';
import type { DevicePointer } from '../ffi/driver.js';

/** What the allocator needs of a device (the driver, or a fake in tests). */
export interface DeviceMemory {
  alloc(bytes: number): DevicePointer;
  free(ptr: DevicePointer): void;
  memInfo(): { free: number; total: number };
}

/** An allocated block: `bytes` usable from `ptr` (the block may be larger: `capacity`). */
export interface DeviceBlock {
  readonly ptr: DevicePointer;
  readonly bytes: number;
  readonly capacity: number;
}

export interface AllocatorStats {
  /** Bytes of live blocks (their capacity). */
  readonly bytesInUse: number;
  /** Bytes held in the cache for reuse. */
  readonly bytesCached: number;
  readonly peakBytesInUse: number;
  readonly blocksInUse: number;
  /** cuMemAlloc calls so far (a steady training loop stops adding to it). */
  readonly deviceAllocations: number;
}

const MiB = 1024 * 1024;
const fmt = (b: number): string => (b >= MiB ? `${(b / MiB).toFixed(1)} MiB` : `${b} B`);

/** Capacity a request is rounded to: 512 B granules below 1 MiB, 2 MiB granules above (fewer distinct sizes, more reuse). */
export function roundBlockSize(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`block size must be a non-negative integer; got ${bytes}`);
  const b = Math.max(bytes, 1);
  return b < MiB ? Math.ceil(b / 512) * 512 : Math.ceil(b / (2 * MiB)) * 2 * MiB;
}

export class CachingAllocator {
  private readonly cache = new Map<number, DevicePointer[]>();
  private readonly live = new Map<DevicePointer, number>();
  private inUse = 0;
  private cached = 0;
  private peak = 0;
  private deviceAllocations = 0;

  constructor(private readonly device: DeviceMemory) {}

  /** A block of at least `bytes`; `what` describes the request for an out-of-memory message. */
  allocate(bytes: number, what = 'a tensor'): DeviceBlock {
    const capacity = roundBlockSize(bytes);
    const reuse = this.cache.get(capacity)?.pop();
    let ptr: DevicePointer;
    if (reuse !== undefined) {
      ptr = reuse;
      this.cached -= capacity;
    } else {
      ptr = this.allocateOnDevice(capacity, bytes, what);
    }
    this.live.set(ptr, capacity);
    this.inUse += capacity;
    this.peak = Math.max(this.peak, this.inUse);
    return { ptr, bytes, capacity };
  }

  private allocateOnDevice(capacity: number, bytes: number, what: string): DevicePointer {
    for (let attempt = 0; ; attempt++) {
      try {
        const ptr = this.device.alloc(capacity);
        this.deviceAllocations++;
        return ptr;
      } catch (e) {
        if (!(CudaError.isInstance(e) && e.statusName === 'CUDA_ERROR_OUT_OF_MEMORY')) throw e;
        const cachedBefore = this.cached;
        if (attempt === 0 && cachedBefore > 0) {
          this.emptyCache();
          continue;
        }
        let device = '';
        try {
          const info = this.device.memInfo();
          device = `; the device has ${fmt(info.free)} free of ${fmt(info.total)}`;
        } catch {
          // memInfo failing too adds nothing useful.
        }
        throw new CudaError(
          { library: 'driver', call: 'cuMemAlloc_v2', status: e.status, statusName: e.statusName },
          `out of GPU memory allocating ${fmt(bytes)} for ${what}: tensors hold ${fmt(this.inUse)} in ${this.live.size} blocks` +
            `${attempt > 0 ? ` (a cache of ${fmt(cachedBefore)} was released and the allocation retried)` : ''}${device}. ` +
            `Reduce the batch size, the sequence length or the model size, or dispose tensors you no longer need (tf.tidy).`,
          { cause: e },
        );
      }
    }
  }

  /** Returns a block to the cache (not to the driver). A pointer not allocated here is an error. */
  release(ptr: DevicePointer): void {
    const capacity = this.live.get(ptr);
    if (capacity === undefined) {
      throw new CudaError(
        { library: 'driver', call: 'release', status: 0, statusName: 'UNKNOWN_BLOCK' },
        `released a device block that is not live (double free, or a pointer from another allocator)`,
      );
    }
    this.live.delete(ptr);
    this.inUse -= capacity;
    let list = this.cache.get(capacity);
    if (!list) this.cache.set(capacity, (list = []));
    list.push(ptr);
    this.cached += capacity;
  }

  /** Frees every cached block on the device (as torch.cuda.empty_cache()). */
  emptyCache(): void {
    for (const list of this.cache.values()) for (const ptr of list) this.device.free(ptr);
    this.cache.clear();
    this.cached = 0;
  }

  stats(): AllocatorStats {
    return { bytesInUse: this.inUse, bytesCached: this.cached, peakBytesInUse: this.peak, blocksInUse: this.live.size, deviceAllocations: this.deviceAllocations };
  }
}
