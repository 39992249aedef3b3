// The TensorFlow.js KernelBackend over device memory: tensors live in blocks of the caching
// allocator, uploads and reads are copies on the backend's stream, tf.memory() reports device
// bytes. float32 and int32 are stored as themselves; bool as float32 0/1 (the kernels' comparison
// results), converted on read. Strings stay on the host (tfjs only uses them for metadata).
import { DataStorage, KernelBackend, engine, util, type BackendValues, type DataId, type DataType, type TensorInfo } from '@tensorflow/tfjs-core';
import { CudaError } from '../errors.js';
import type { CudaDriver, CuStream, DevicePointer, KernelArg } from '../ffi/driver.js';
import type { Cublas } from '../ffi/cublas.js';
import type { CublasLt } from '../ffi/cublaslt.js';
import type { CachingAllocator, DeviceBlock } from '../memory/caching-allocator.js';
import type { KernelModules } from '../kernels/modules.js';

interface TensorData {
  block: DeviceBlock | null;
  readonly dtype: DataType;
  readonly shape: number[];
  readonly size: number;
  strings?: BackendValues;
  refCount: number;
}

/** tf.memory() fields this backend adds (as tfjs-webgl's numBytesInGPU). */
export interface CudaMemoryInfo {
  unreliable: false;
  numBytesInGPU: number;
  numBytesInGPUAllocated: number;
  numBytesInGPUFree: number;
  peakBytesInGPU: number;
}

function deviceView(values: BackendValues, dtype: DataType, size: number): Float32Array | Int32Array {
  if (dtype === 'int32') return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
  if (dtype === 'float32' || dtype === 'bool') return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  throw new CudaError({ library: 'driver', call: 'write', status: 0, statusName: 'UNSUPPORTED_DTYPE' }, `the cuda backend stores float32, int32 and bool tensors; got dtype '${dtype}' (size ${size})`);
}

export class CudaKernelBackend extends KernelBackend {
  private readonly data = new DataStorage<TensorData>(this, engine());

  constructor(
    private readonly driver: CudaDriver,
    private readonly allocator: CachingAllocator,
    private readonly stream: CuStream,
    private readonly modules: KernelModules | null = null,
    private readonly openCublas: (() => Cublas) | null = null,
    private readonly openCublasLt: (() => CublasLt) | null = null,
  ) {
    super();
  }

  private blas: Cublas | null = null;

  /** cuBLAS on this backend's stream, opened on first use. */
  cublas(): Cublas {
    if (!this.openCublas) throw new CudaError({ library: 'cublas', call: 'cublas', status: 0, statusName: 'NOT_AVAILABLE' }, 'this cuda backend was created without cuBLAS');
    return (this.blas ??= this.openCublas());
  }

  private lt: CublasLt | null = null;

  /** cuBLASLt on this backend's stream (fused bias epilogues), opened on first use. */
  cublasLt(): CublasLt {
    if (!this.openCublasLt) throw new CudaError({ library: 'cublasLt', call: 'cublasLt', status: 0, statusName: 'NOT_AVAILABLE' }, 'this cuda backend was created without cuBLASLt');
    return (this.lt ??= this.openCublasLt());
  }

  /** Set once cuBLASLt has been looked for and was not installed. */
  private ltMissing = false;

  /**
   * cuBLASLt, or null when the library is not installed: the fused bias epilogues are an
   * optimisation, so a missing libcublasLt (it ships with every cuBLAS since CUDA 10.1, but a
   * hand-picked LLMKIT_CUBLAS folder may lack it) falls back to cuBLAS plus the add kernel, said
   * once on stderr. Any other failure (a status from cublasLtCreate, a workspace allocation) throws.
   */
  cublasLtIfInstalled(): CublasLt | null {
    if (this.ltMissing) return null;
    try {
      return this.cublasLt();
    } catch (e) {
      if (!(CudaError.isInstance(e) && e.statusName === 'LIBRARY_NOT_FOUND')) throw e;
      this.ltMissing = true;
      console.warn(`[llmkit/backend-cuda] ${e.message} tf.fused.matMul's bias and ReLU run as separate kernels after cuBLAS's product.`);
      return null;
    }
  }

  /** The device address of a tensor's data (null for an empty tensor). */
  pointer(t: TensorInfo): DevicePointer | null {
    const d = this.data.get(t.dataId);
    if (!d) throw new CudaError({ library: 'driver', call: 'pointer', status: 0, statusName: 'UNKNOWN_TENSOR' }, 'a kernel input is not held by the cuda backend (disposed?)');
    return d.block?.ptr ?? null;
  }

  /** A new output tensor of `shape` (uninitialised) and its device address. */
  output(shape: number[], dtype: DataType): { info: TensorInfo; ptr: DevicePointer | null } {
    const { dataId, block } = this.allocateOutput(shape, dtype);
    return { info: { dataId, shape, dtype }, ptr: block?.ptr ?? null };
  }

  /** A tensor sharing `t`'s data under another shape (Reshape, Identity). */
  alias(t: TensorInfo, shape: number[]): TensorInfo {
    this.incRef(t.dataId);
    return { dataId: t.dataId, shape, dtype: t.dtype };
  }

  /** Launches kernel `name` of `family` on this backend's stream. */
  launch(family: string, name: string, grid: [number, number?, number?], block: [number, number?, number?], args: KernelArg[]): void {
    if (!this.modules) throw new CudaError({ library: 'driver', call: 'launch', status: 0, statusName: 'NO_KERNELS' }, 'this cuda backend was created without kernels');
    this.driver.launch(this.modules.fn(family, name), { grid, block, stream: this.stream }, args);
  }

  /** Copies `bytes` between device buffers on the stream. */
  copy(dst: DevicePointer, src: DevicePointer, bytes: number): void {
    if (bytes > 0) this.driver.copyDeviceToDevice(dst, src, bytes, this.stream);
  }

  /** Fills `count` 32-bit words of `dst` with `bits`. */
  fill(dst: DevicePointer, bits: number, count: number): void {
    if (count > 0) this.driver.fill32(dst, bits, count, this.stream);
  }

  private store(values: BackendValues | null, shape: number[], dtype: DataType): TensorData {
    const size = util.sizeFromShape(shape);
    if (dtype === 'string') return { block: null, dtype, shape, size, strings: values ?? [], refCount: 1 };
    if (size === 0) return { block: null, dtype, shape, size, refCount: 1 };
    const block = this.allocator.allocate(size * 4, `a ${dtype} tensor of shape [${shape.join(', ')}]`);
    if (values !== null) {
      const view = deviceView(values, dtype, size);
      if (view.length !== size) {
        this.allocator.release(block.ptr);
        throw new CudaError({ library: 'driver', call: 'write', status: 0, statusName: 'SIZE_MISMATCH' }, `tensor of shape [${shape.join(', ')}] needs ${size} values; got ${view.length}`);
      }
      this.driver.copyToDevice(block.ptr, view, this.stream);
      // The host array may be reused by the caller as soon as write returns.
      this.driver.synchronizeStream(this.stream);
    }
    return { block, dtype, shape, size, refCount: 1 };
  }

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    const dataId = {};
    this.data.set(dataId, this.store(values, shape, dtype));
    return dataId;
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    const d = this.store(values, shape, dtype);
    d.refCount = refCount;
    this.data.set(dataId, d);
  }

  /** An output tensor's storage, uninitialised (kernels write it). */
  allocateOutput(shape: number[], dtype: DataType): { dataId: DataId; block: DeviceBlock | null } {
    const dataId = {};
    const d = this.store(null, shape, dtype);
    this.data.set(dataId, d);
    return { dataId, block: d.block };
  }

  override readSync(dataId: DataId): BackendValues {
    const d = this.data.get(dataId);
    if (!d) throw new CudaError({ library: 'driver', call: 'readSync', status: 0, statusName: 'UNKNOWN_TENSOR' }, 'read of a tensor this backend does not hold (disposed?)');
    if (d.dtype === 'string') return d.strings!;
    const out = d.dtype === 'int32' ? new Int32Array(d.size) : new Float32Array(d.size);
    if (d.block) {
      this.driver.copyToHost(out, d.block.ptr, this.stream);
      this.driver.synchronizeStream(this.stream);
    }
    return d.dtype === 'bool' ? Uint8Array.from(out) : out;
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const d = this.data.get(dataId);
    if (!d) return true;
    d.refCount--;
    if (!force && d.refCount > 0) return false;
    if (d.block) this.allocator.release(d.block.ptr);
    d.block = null;
    this.data.delete(dataId);
    return true;
  }

  override refCount(dataId: DataId): number {
    return this.data.get(dataId)?.refCount ?? 0;
  }

  override incRef(dataId: DataId): void {
    const d = this.data.get(dataId);
    if (d) d.refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override memory(): CudaMemoryInfo {
    const s = this.allocator.stats();
    return { unreliable: false, numBytesInGPU: s.bytesInUse, numBytesInGPUAllocated: s.bytesInUse + s.bytesCached, numBytesInGPUFree: s.bytesCached, peakBytesInGPU: s.peakBytesInUse };
  }

  override timerAvailable(): boolean {
    return true;
  }

  override async time(f: () => void): Promise<{ kernelMs: number }> {
    this.driver.synchronizeStream(this.stream);
    const t0 = performance.now();
    f();
    this.driver.synchronizeStream(this.stream);
    return { kernelMs: performance.now() - t0 };
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  /** Releases every tensor's block and the cache, and cuBLASLt's cached plans and workspace. */
  override dispose(): void {
    this.lt?.destroy();
    this.lt = null;
    this.allocator.emptyCache();
  }
}
