// The llmkit backend entry for 'cuda': init() opens the driver, the first GPU and cuBLAS, so that
// `useBackend('cuda')` fails early and with a typed error naming what is missing.
import type { Backend, BackendDescription } from '@llmkit/core';
import { CudaError } from './errors.js';
import { deviceInfo, formatCudaVersion, initDriver, type CudaDeviceInfo } from './device.js';
import { Cublas } from './ffi/cublas.js';

export interface CudaBackendOptions {
  /** llmkit name (default `'cuda'`). */
  readonly name?: string;
  /** Device ordinal (default 0, or LLMKIT_CUDA_DEVICE). */
  readonly device?: number;
}

interface Opened {
  readonly device: CudaDeviceInfo;
  readonly driverVersion: number;
  readonly libcuda: string;
  readonly cublas: string;
}

export function createCudaBackend(options: CudaBackendOptions = {}): Backend {
  const name = options.name ?? 'cuda';
  let opened: Opened | null = null;
  return {
    name,
    tfjsBackend: 'cuda',
    priority: 30,
    async init() {
      const driver = initDriver();
      const ordinal = options.device ?? Number(process.env.LLMKIT_CUDA_DEVICE ?? 0);
      const device = deviceInfo(driver, ordinal);
      const cublas = Cublas.open();
      opened = { device, driverVersion: driver.driverVersion(), libcuda: driver.path, cublas: cublas.path };
      // The tensor backend (tfjs KernelBackend over these bindings) is not built yet: say so with
      // what was found rather than register a backend that cannot run a kernel.
      throw new CudaError(
        { library: 'driver', call: 'registerBackend', status: 0, statusName: 'NOT_IMPLEMENTED' },
        `found ${device.name} (sm_${device.computeCapability}, ${formatCudaVersion(opened.driverVersion)}), but this version of ` +
          `@llmkit/backend-cuda has no tensor kernels yet (see its README); use useBackend('wasm') meanwhile.`,
      );
    },
    describe(): BackendDescription {
      const o = opened;
      return {
        name,
        tfjsBackend: 'cuda',
        device: o ? `${o.device.name} (sm_${o.device.computeCapability}, ${formatCudaVersion(o.driverVersion)})` : 'CUDA (not initialised)',
        fusedKernels: [],
        details: o ? { libcuda: o.libcuda, cublas: o.cublas, totalMemory: o.device.totalMemory } : {},
      };
    },
  };
}
