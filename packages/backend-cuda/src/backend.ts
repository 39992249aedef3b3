// The llmkit backend entry for 'cuda': init() opens the driver, the GPU, its primary context, a
// stream and the caching allocator, so that `useBackend('cuda')` fails early, with a typed error
// naming what is missing. Until the kernels have run on a real GPU (see the README), init refuses
// unless `experimental` (or LLMKIT_CUDA_EXPERIMENTAL=1) is set.
import * as tf from '@tensorflow/tfjs-core';
import type { Backend, BackendDescription } from '@llmkit/core';
import { CudaError } from './errors.js';
import { deviceInfo, formatCudaVersion, initDriver, type CudaDeviceInfo } from './device.js';
import type { SearchContext } from './ffi/discovery.js';
import { CachingAllocator } from './memory/caching-allocator.js';
import { CudaKernelBackend } from './tensor-backend/cuda-kernel-backend.js';
import { cudaKernelConfigs } from './tensor-backend/kernels/index.js';
import { cudaFusedKernels } from './tensor-backend/fused/index.js';
import { Cublas } from './ffi/cublas.js';
import { CublasLt, LT_WORKSPACE_BYTES } from './ffi/cublaslt.js';
import { Nvrtc } from './ffi/nvrtc.js';
import { KernelModules } from './kernels/modules.js';
import { readShippedManifest, shippedKernelsDir } from './kernels/shipped.js';

export interface CudaBackendOptions {
  /** llmkit name (default `'cuda'`). */
  readonly name?: string;
  /** Device ordinal (default 0, or LLMKIT_CUDA_DEVICE). */
  readonly device?: number;
  /** Register the tensor backend although its kernels are unverified on GPUs (default: LLMKIT_CUDA_EXPERIMENTAL=1). */
  readonly experimental?: boolean;
  /** Where to look for the libraries (tests). */
  readonly search?: SearchContext;
  /** Folder of the compiled kernels (default: this package's dist/kernels). */
  readonly kernelsDir?: string;
  /** Install the fused kernels over core's composites (default true); false runs core's compositions. */
  readonly fused?: boolean;
}

interface Opened {
  readonly device: CudaDeviceInfo;
  readonly driverVersion: number;
  readonly libcuda: string;
}

export function createCudaBackend(options: CudaBackendOptions = {}): Backend {
  const name = options.name ?? 'cuda';
  let opened: Opened | null = null;
  return {
    name,
    tfjsBackend: 'cuda',
    // Below wasm (10) while its kernels are unverified on GPUs: importing this package must not make
    // a plain `useBackend()` pick it.
    priority: 5,
    kernels: options.fused === false ? [] : cudaFusedKernels,
    async init() {
      const env = options.search?.env ?? process.env;
      const driver = initDriver(options.search);
      const ordinal = options.device ?? Number(env.LLMKIT_CUDA_DEVICE ?? 0);
      const device = deviceInfo(driver, ordinal);
      opened = { device, driverVersion: driver.driverVersion(), libcuda: driver.path };
      const found = `${device.name} (sm_${device.computeCapability}, ${formatCudaVersion(opened.driverVersion)})`;
      if (!(options.experimental ?? env.LLMKIT_CUDA_EXPERIMENTAL === '1')) {
        throw new CudaError(
          { library: 'driver', call: 'init', status: 0, statusName: 'NOT_VERIFIED' },
          `found ${found}, but @llmkit/backend-cuda's kernels have only run on its CPU test double, never on a GPU ` +
            `(see its README); set LLMKIT_CUDA_EXPERIMENTAL=1 to use them anyway, or useBackend('wasm').`,
        );
      }
      driver.retainPrimaryContext(driver.device(ordinal));
      const stream = driver.createStream();
      const allocator = new CachingAllocator(driver);
      const kernelsDir = options.kernelsDir ?? shippedKernelsDir();
      const manifest = readShippedManifest(kernelsDir);
      if (!manifest || Object.keys(manifest.families).length === 0) {
        throw new CudaError(
          { library: 'loader', call: 'init', status: 0, statusName: 'NO_KERNELS' },
          `no compiled kernels in ${kernelsDir} (manifest.json missing or empty): the package was built without NVRTC`,
        );
      }
      let nvrtc: Nvrtc | null = null;
      try {
        nvrtc = Nvrtc.open(options.search);
      } catch {
        // NVRTC is optional: shipped cubins and PTX cover the common GPUs.
      }
      const modules = new KernelModules(driver, device.computeCapability, kernelsDir, manifest, nvrtc);
      const openCublas = (): Cublas => {
        const blas = Cublas.open(options.search);
        blas.create(stream);
        return blas;
      };
      const openCublasLt = (): CublasLt => CublasLt.openWithWorkspace(driver, stream, LT_WORKSPACE_BYTES, options.search);
      if (tf.findBackendFactory('cuda') == null) {
        tf.registerBackend('cuda', () => new CudaKernelBackend(driver, allocator, stream, modules, openCublas, openCublasLt), 0);
      }
      for (const config of cudaKernelConfigs) if (tf.getKernel(config.kernelName, 'cuda') == null) tf.registerKernel(config);
    },
    describe(): BackendDescription {
      const o = opened;
      return {
        name,
        tfjsBackend: 'cuda',
        device: o ? `${o.device.name} (sm_${o.device.computeCapability}, ${formatCudaVersion(o.driverVersion)})` : 'CUDA (not initialised)',
        fusedKernels: (options.fused === false ? [] : cudaFusedKernels).map((k) => k.kernelName),
        details: o ? { libcuda: o.libcuda, totalMemory: o.device.totalMemory, computeCapability: o.device.computeCapability } : {},
      };
    },
  };
}
