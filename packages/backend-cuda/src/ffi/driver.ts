// The CUDA driver API (libcuda.so.1) through koffi: the functions llmkit calls, each status code
// turned into a CudaError naming the call. Device pointers, contexts, streams, modules and functions
// leave this file only as opaque branded values.
import koffi from 'koffi';
import type { LibraryHandle } from 'koffi';
import { CudaError } from '../errors.js';
import { CU_RESULT_NAMES, statusName } from './status.js';
import { LIBCUDA, openLibrary, type SearchContext } from './discovery.js';

declare const brand: unique symbol;
type Opaque<T, B extends string> = T & { readonly [brand]: B };
/** A device address (CUdeviceptr). */
export type DevicePointer = Opaque<bigint, 'CUdeviceptr'>;
export type CuContext = Opaque<bigint, 'CUcontext'>;
export type CuStream = Opaque<bigint, 'CUstream'>;
export type CuModule = Opaque<bigint, 'CUmodule'>;
export type CuFunction = Opaque<bigint, 'CUfunction'>;
/** The null stream (legacy default stream). */
export const NULL_STREAM = 0n as CuStream;

/** CUdevice_attribute values read by llmkit (cuda.h). */
export const CU_DEVICE_ATTRIBUTE = {
  MAX_THREADS_PER_BLOCK: 1,
  MAX_SHARED_MEMORY_PER_BLOCK: 8,
  MULTIPROCESSOR_COUNT: 16,
  COMPUTE_CAPABILITY_MAJOR: 75,
  COMPUTE_CAPABILITY_MINOR: 76,
  MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: 97,
} as const;

/** Every C declaration this file binds: the symbol test checks each name in the real library. */
export const DRIVER_DECLARATIONS = [
  'int cuInit(unsigned int flags)',
  'int cuDriverGetVersion(_Out_ int *version)',
  'int cuGetErrorName(int error, _Out_ const char **name)',
  'int cuDeviceGetCount(_Out_ int *count)',
  'int cuDeviceGet(_Out_ int *device, int ordinal)',
  'int cuDeviceGetName(_Out_ uint8_t *name, int len, int device)',
  'int cuDeviceTotalMem_v2(_Out_ uint64_t *bytes, int device)',
  'int cuDeviceGetAttribute(_Out_ int *value, int attribute, int device)',
  'int cuDevicePrimaryCtxRetain(_Out_ uint64_t *ctx, int device)',
  'int cuDevicePrimaryCtxRelease_v2(int device)',
  'int cuCtxCreate_v2(_Out_ uint64_t *ctx, unsigned int flags, int device)',
  'int cuCtxSetCurrent(uint64_t ctx)',
  'int cuCtxSynchronize()',
  'int cuMemGetInfo_v2(_Out_ uint64_t *free, _Out_ uint64_t *total)',
  'int cuMemAlloc_v2(_Out_ uint64_t *dptr, size_t bytes)',
  'int cuMemFree_v2(uint64_t dptr)',
  'int cuMemcpyHtoDAsync_v2(uint64_t dst, const void *src, size_t bytes, uint64_t stream)',
  'int cuMemcpyDtoHAsync_v2(void *dst, uint64_t src, size_t bytes, uint64_t stream)',
  'int cuMemcpyDtoDAsync_v2(uint64_t dst, uint64_t src, size_t bytes, uint64_t stream)',
  'int cuMemsetD32Async(uint64_t dst, unsigned int value, size_t count, uint64_t stream)',
  'int cuStreamCreate(_Out_ uint64_t *stream, unsigned int flags)',
  'int cuStreamSynchronize(uint64_t stream)',
  'int cuStreamDestroy_v2(uint64_t stream)',
  'int cuModuleLoadData(_Out_ uint64_t *module, const void *image)',
  'int cuModuleUnload(uint64_t module)',
  'int cuModuleGetFunction(_Out_ uint64_t *fn, uint64_t module, const char *name)',
  'int cuLaunchKernel(uint64_t fn, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, unsigned int bz, unsigned int sharedBytes, uint64_t stream, void *params, void *extra)',
] as const;

/** The C name of a declaration, e.g. `'cuMemAlloc_v2'`. */
export function declaredName(declaration: string): string {
  const m = /^\s*[\w\s*]+?\s\**(\w+)\s*\(/.exec(declaration);
  if (!m?.[1]) throw new Error(`unparseable declaration: ${declaration}`);
  return m[1];
}

type Fn = (...args: unknown[]) => number;

/** Kernel argument kinds for `launch`: device pointers, 32-bit scalars, and structs passed by value (their bytes). */
export type KernelArg = { ptr: DevicePointer | null } | { i32: number } | { u32: number } | { f32: number } | { bytes: Uint8Array };

/** A launch configuration. */
export interface LaunchConfig {
  readonly grid: readonly [number, number?, number?];
  readonly block: readonly [number, number?, number?];
  readonly sharedBytes?: number;
  readonly stream?: CuStream;
}

/** The bound driver API. Construct with `CudaDriver.open()`. */
export class CudaDriver {
  private readonly fns: Record<string, Fn> = {};

  private constructor(
    lib: LibraryHandle,
    /** Where libcuda was loaded from. */
    readonly path: string,
  ) {
    for (const d of DRIVER_DECLARATIONS) this.fns[declaredName(d)] = lib.func(d) as Fn;
  }

  /** Loads libcuda (see discovery.ts) and binds every declaration; does not call cuInit. */
  static open(ctx?: SearchContext): CudaDriver {
    const { lib, path } = openLibrary(LIBCUDA, ctx);
    return new CudaDriver(lib, path);
  }

  /** The C name of a CUresult: the driver's own, else llmkit's table. */
  errorName(status: number): string {
    const out: (string | null)[] = [null];
    if (this.fns.cuGetErrorName!(status, out) === 0 && out[0]) return out[0];
    return statusName(CU_RESULT_NAMES, status);
  }

  private call(name: string, ...args: unknown[]): void {
    const status = this.fns[name]!(...args);
    if (status !== 0) {
      const sname = this.errorName(status);
      throw new CudaError({ library: 'driver', call: name, status, statusName: sname }, `${name} failed: ${sname} (${status})`);
    }
  }

  /** Calls `name` and returns its status without throwing (for probes that report what was found). */
  tryCall(name: 'cuInit', flags: number): number {
    return this.fns[name]!(flags);
  }

  init(): void {
    this.call('cuInit', 0);
  }

  /** The driver's CUDA version as major*1000 + minor*10 (12020 = 12.2). Works without a device. */
  driverVersion(): number {
    const v = [0];
    this.call('cuDriverGetVersion', v);
    return v[0]!;
  }

  deviceCount(): number {
    const n = [0];
    this.call('cuDeviceGetCount', n);
    return n[0]!;
  }

  device(ordinal: number): number {
    const d = [0];
    this.call('cuDeviceGet', d, ordinal);
    return d[0]!;
  }

  deviceName(device: number): string {
    const buf = new Uint8Array(256);
    this.call('cuDeviceGetName', buf, buf.length, device);
    const end = buf.indexOf(0);
    return new TextDecoder().decode(buf.subarray(0, end < 0 ? buf.length : end));
  }

  deviceTotalMem(device: number): number {
    const b = new BigUint64Array(1);
    this.call('cuDeviceTotalMem_v2', b, device);
    return Number(b[0]);
  }

  deviceAttribute(device: number, attribute: number): number {
    const v = [0];
    this.call('cuDeviceGetAttribute', v, attribute, device);
    return v[0]!;
  }

  /** Retains the device's primary context (the one the CUDA runtime and PyTorch share) and makes it current. */
  retainPrimaryContext(device: number): CuContext {
    const c = new BigUint64Array(1);
    this.call('cuDevicePrimaryCtxRetain', c, device);
    this.call('cuCtxSetCurrent', c[0]);
    return c[0] as CuContext;
  }

  releasePrimaryContext(device: number): void {
    this.call('cuDevicePrimaryCtxRelease_v2', device);
  }

  synchronize(): void {
    this.call('cuCtxSynchronize');
  }

  memInfo(): { free: number; total: number } {
    const f = new BigUint64Array(1);
    const t = new BigUint64Array(1);
    this.call('cuMemGetInfo_v2', f, t);
    return { free: Number(f[0]), total: Number(t[0]) };
  }

  /** cuMemAlloc_v2; CUDA_ERROR_OUT_OF_MEMORY surfaces as a CudaError the allocator rewords. */
  alloc(bytes: number): DevicePointer {
    const p = new BigUint64Array(1);
    this.call('cuMemAlloc_v2', p, bytes);
    return p[0] as DevicePointer;
  }

  free(ptr: DevicePointer): void {
    this.call('cuMemFree_v2', ptr);
  }

  /** Copies host → device; the host view must stay untouched until the stream synchronises. */
  copyToDevice(dst: DevicePointer, src: ArrayBufferView, stream: CuStream = NULL_STREAM): void {
    this.call('cuMemcpyHtoDAsync_v2', dst, src, src.byteLength, stream);
  }

  copyToHost(dst: ArrayBufferView, src: DevicePointer, stream: CuStream = NULL_STREAM): void {
    this.call('cuMemcpyDtoHAsync_v2', dst, src, dst.byteLength, stream);
  }

  copyDeviceToDevice(dst: DevicePointer, src: DevicePointer, bytes: number, stream: CuStream = NULL_STREAM): void {
    this.call('cuMemcpyDtoDAsync_v2', dst, src, bytes, stream);
  }

  /** Fills `count` 32-bit words with `bits` (0 for zeros). */
  fill32(dst: DevicePointer, bits: number, count: number, stream: CuStream = NULL_STREAM): void {
    this.call('cuMemsetD32Async', dst, bits >>> 0, count, stream);
  }

  createStream(): CuStream {
    const s = new BigUint64Array(1);
    this.call('cuStreamCreate', s, 1 /* CU_STREAM_NON_BLOCKING */);
    return s[0] as CuStream;
  }

  synchronizeStream(stream: CuStream): void {
    this.call('cuStreamSynchronize', stream);
  }

  destroyStream(stream: CuStream): void {
    this.call('cuStreamDestroy_v2', stream);
  }

  /** Loads a PTX (NUL-terminated) or cubin image. */
  loadModule(image: Uint8Array): CuModule {
    const m = new BigUint64Array(1);
    this.call('cuModuleLoadData', m, image);
    return m[0] as CuModule;
  }

  unloadModule(module: CuModule): void {
    this.call('cuModuleUnload', module);
  }

  getFunction(module: CuModule, name: string): CuFunction {
    const f = new BigUint64Array(1);
    this.call('cuModuleGetFunction', f, module, name);
    return f[0] as CuFunction;
  }

  /** Launches `fn` with `args` packed as the kernel's parameters (8-byte slots). */
  launch(fn: CuFunction, config: LaunchConfig, args: readonly KernelArg[]): void {
    // cuLaunchKernel takes void*[] pointing at each argument's value: one 8-byte slot per argument
    // in `values`, and their addresses in `pointers`. Both stay referenced until the call returns,
    // and the driver copies the values at launch.
    const values = new ArrayBuffer(8 * Math.max(1, args.length));
    const view = new DataView(values);
    args.forEach((a, i) => {
      if ('ptr' in a) view.setBigUint64(8 * i, a.ptr ?? 0n, true);
      else if ('i32' in a) view.setInt32(8 * i, a.i32, true);
      else if ('u32' in a) view.setUint32(8 * i, a.u32, true);
      else if ('f32' in a) view.setFloat32(8 * i, a.f32, true);
    });
    const base = koffi.address(values);
    const pointers = new BigUint64Array(Math.max(1, args.length));
    // A struct's slot points at its own bytes (kept alive by `args` until the call returns).
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      pointers[i] = 'bytes' in a ? koffi.address(a.bytes) : base + BigInt(8 * i);
    }
    const [gx, gy = 1, gz = 1] = config.grid;
    const [bx, by = 1, bz = 1] = config.block;
    this.call('cuLaunchKernel', fn, gx, gy, gz, bx, by, bz, config.sharedBytes ?? 0, config.stream ?? NULL_STREAM, pointers, null);
  }
}
