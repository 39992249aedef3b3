// CudaError: a status code returned by the CUDA driver, cuBLAS or NVRTC, named with the call that
// returned it. It is a BackendError for `BackendError.isInstance`, and has its own marker.
import { BackendError } from '@llmkit/core';

const CUDA_MARK = Symbol.for('llmkit.cudaError');

/** Which foreign library returned the status. */
export type CudaLibrary = 'driver' | 'cublas' | 'cublasLt' | 'nvrtc' | 'loader';

/** A failed CUDA call: `call` returned `status` (`statusName`), or a library could not be found. */
export class CudaError extends BackendError {
  readonly [CUDA_MARK] = true;
  /** The C function that failed, e.g. `'cuMemAlloc_v2'`. */
  readonly call: string;
  /** Its numeric status (0 when the failure is not a status code, e.g. a missing library). */
  readonly status: number;
  /** The status's C name, e.g. `'CUDA_ERROR_OUT_OF_MEMORY'`. */
  readonly statusName: string;
  readonly library: CudaLibrary;

  constructor(
    detail: { library: CudaLibrary; call: string; status: number; statusName: string },
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    // `code` stays 'BackendError' so that core's `BackendError.isInstance` (which matches by code)
    // accepts it; `name` says what it is.
    (this as { code: string }).code = 'BackendError';
    this.name = 'CudaError';
    this.call = detail.call;
    this.status = detail.status;
    this.statusName = detail.statusName;
    this.library = detail.library;
  }

  /** True for a CudaError from any copy of this package. */
  static override isInstance(value: unknown): value is CudaError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[CUDA_MARK] === true;
  }
}
