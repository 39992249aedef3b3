// @llmkit/backend-cuda: NVIDIA GPUs from Node over the CUDA driver API, cuBLAS and NVRTC (koffi).
// Importing it registers the backend as 'cuda'.
import { registerBackend, type Backend } from '@llmkit/core';
import { createCudaBackend } from './backend.js';

export { createCudaBackend, type CudaBackendOptions } from './backend.js';
export { CudaError, type CudaLibrary } from './errors.js';
export { deviceInfo, initDriver, formatCudaVersion, type CudaDeviceInfo } from './device.js';
export { CudaDriver, type DevicePointer, type KernelArg, type LaunchConfig } from './ffi/driver.js';
export { Cublas, CUBLAS_MATH, type RowMajorGemm } from './ffi/cublas.js';
export { Nvrtc, type NvrtcOutput, type NvrtcSource } from './ffi/nvrtc.js';
export { SHIPPED_ARCHS, STATIC_SHARED_LIMIT, HEADER as KERNEL_HEADER, readKernelSources, nvrtcOptions, compileKey, type KernelFamily, type KernelSources } from './kernels/catalog.js';
export { parsePtxasLog, ptxEntryPoints, type PtxasFunctionStats } from './kernels/ptxas.js';
export { CachingAllocator, roundBlockSize, type AllocatorStats, type DeviceBlock, type DeviceMemory } from './memory/caching-allocator.js';
export { CudaKernelBackend, type CudaMemoryInfo } from './tensor-backend/cuda-kernel-backend.js';
export { runDoctor, formatDoctor, type DoctorReport } from './doctor.js';
export { readShippedManifest, shippedKernelsDir } from './kernels/shipped.js';
export { chooseImage, compileCached, defaultCacheDir, type ImageChoice, type KernelManifest } from './kernels/images.js';
export { LIBCUDA, LIBCUBLAS, LIBCUBLASLT, LIBNVRTC, candidates, openLibrary, type LibrarySpec, type SearchContext } from './ffi/discovery.js';

export const CUDA_BACKEND_NAME = 'cuda';

/** The CUDA backend: `import '@llmkit/backend-cuda'; await useBackend('cuda');` */
export const cudaBackend: Backend = createCudaBackend();
registerBackend(cudaBackend);
