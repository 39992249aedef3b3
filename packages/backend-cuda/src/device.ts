// Opening a GPU: load the driver, cuInit, read the device's properties. When there is no device the
// error says what was found (library, driver version, /dev/nvidia* nodes, *_VISIBLE_DEVICES), since
// "no device" has several causes: no GPU, a container without --gpus, an emptied CUDA_VISIBLE_DEVICES.
import { existsSync, readdirSync } from 'node:fs';
import { CudaError } from './errors.js';
import { CU_DEVICE_ATTRIBUTE, CudaDriver } from './ffi/driver.js';
import type { SearchContext } from './ffi/discovery.js';

/** What a device reports. */
export interface CudaDeviceInfo {
  readonly ordinal: number;
  readonly name: string;
  /** e.g. 80 for sm_80. */
  readonly computeCapability: number;
  readonly totalMemory: number;
  readonly multiprocessors: number;
  readonly maxThreadsPerBlock: number;
  /** Shared memory a block may opt into (bytes). */
  readonly maxSharedMemoryPerBlockOptin: number;
}

/** "CUDA 12.2" from cuDriverGetVersion's 12020. */
export function formatCudaVersion(v: number): string {
  return `CUDA ${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}`;
}

function deviceNodes(): string[] {
  try {
    return readdirSync('/dev').filter((f) => /^nvidia(\d+|ctl|-uvm)$/.test(f)).map((f) => `/dev/${f}`);
  } catch {
    return [];
  }
}

/** What was found on the way to "no device", for the error message and the doctor. */
export function environmentFindings(driver: CudaDriver, env: Readonly<Record<string, string | undefined>> = process.env): string {
  let version = 'version unknown';
  try {
    version = formatCudaVersion(driver.driverVersion());
  } catch {
    // A stub libcuda answers cuDriverGetVersion with an error: keep "version unknown".
  }
  const nodes = deviceNodes();
  const parts = [`libcuda loaded from ${driver.path} (driver supports ${version})`, nodes.length ? `device nodes ${nodes.join(', ')}` : 'no /dev/nvidia* device nodes'];
  for (const v of ['CUDA_VISIBLE_DEVICES', 'NVIDIA_VISIBLE_DEVICES']) if (env[v] !== undefined) parts.push(`${v}=${JSON.stringify(env[v])}`);
  if (!existsSync('/proc/driver/nvidia/version')) parts.push('no NVIDIA kernel module loaded (/proc/driver/nvidia/version missing)');
  return parts.join('; ');
}

/** Loads the driver and runs cuInit; "no device" (100) becomes a CudaError that says what was found. */
export function initDriver(ctx?: SearchContext): CudaDriver {
  const driver = CudaDriver.open(ctx);
  const status = driver.tryCall('cuInit', 0);
  if (status !== 0) {
    const name = driver.errorName(status);
    const what = status === 100 ? 'no CUDA device' : 'the CUDA driver did not initialise';
    throw new CudaError(
      { library: 'driver', call: 'cuInit', status, statusName: name },
      `${what}: cuInit returned ${name} (${status}). Found: ${environmentFindings(driver)}. ` +
        `On a machine without an NVIDIA GPU use useBackend('wasm') or 'cpu'; in a container pass --gpus all.`,
    );
  }
  return driver;
}

/** The properties of device `ordinal` (cuInit must have succeeded). */
export function deviceInfo(driver: CudaDriver, ordinal: number): CudaDeviceInfo {
  const count = driver.deviceCount();
  if (ordinal < 0 || ordinal >= count) {
    throw new CudaError(
      { library: 'driver', call: 'cuDeviceGet', status: 101, statusName: 'CUDA_ERROR_INVALID_DEVICE' },
      `CUDA device ${ordinal} does not exist: the driver sees ${count} device(s) (0..${count - 1}).`,
    );
  }
  const dev = driver.device(ordinal);
  const attr = (a: number): number => driver.deviceAttribute(dev, a);
  return {
    ordinal,
    name: driver.deviceName(dev),
    computeCapability: 10 * attr(CU_DEVICE_ATTRIBUTE.COMPUTE_CAPABILITY_MAJOR) + attr(CU_DEVICE_ATTRIBUTE.COMPUTE_CAPABILITY_MINOR),
    totalMemory: driver.deviceTotalMem(dev),
    multiprocessors: attr(CU_DEVICE_ATTRIBUTE.MULTIPROCESSOR_COUNT),
    maxThreadsPerBlock: attr(CU_DEVICE_ATTRIBUTE.MAX_THREADS_PER_BLOCK),
    maxSharedMemoryPerBlockOptin: attr(CU_DEVICE_ATTRIBUTE.MAX_SHARED_MEMORY_PER_BLOCK_OPTIN),
  };
}
