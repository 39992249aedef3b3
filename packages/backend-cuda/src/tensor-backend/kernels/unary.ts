// Elementwise unary tfjs kernels on elementwise-unary.cu (float32 and bool inputs; int32 on the host).
import type { DataType, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';
import { THREADS, gridFor, kernel, onHost, size } from './shared.js';

/** out = fn(x) elementwise by elementwise-unary.cu's `fn`, with its trailing float arguments (unary_clip's bounds, unary_affine's scale and shift). */
export function runUnary(backend: CudaKernelBackend, fn: string, x: TensorInfo, dtype: DataType = 'float32', scalars: { f32: number }[] = []): TensorInfo {
  const n = size(x);
  const o = backend.output(x.shape, dtype);
  if (n > 0) backend.launch('elementwise-unary', fn, gridFor(n), [THREADS], [{ ptr: backend.pointer(x) }, { ptr: o.ptr }, { i32: n }, ...scalars]);
  return o.info;
}

/** tfjs kernel name → [kernel in elementwise-unary.cu, output dtype, int32 host function]. */
const UNARY: Record<string, [string, 'float32' | 'bool' | 'same', ((v: number) => number) | null]> = {
  Neg: ['unary_neg', 'same', (v) => -v],
  Abs: ['unary_abs', 'same', Math.abs],
  Exp: ['unary_exp', 'float32', null],
  Log: ['unary_log', 'float32', null],
  Log1p: ['unary_log1p', 'float32', null],
  Sqrt: ['unary_sqrt', 'float32', null],
  Rsqrt: ['unary_rsqrt', 'float32', null],
  Square: ['unary_square', 'same', (v) => v * v],
  Reciprocal: ['unary_reciprocal', 'float32', null],
  Tanh: ['unary_tanh', 'float32', null],
  Sigmoid: ['unary_sigmoid', 'float32', null],
  Softplus: ['unary_softplus', 'float32', null],
  Relu: ['unary_relu', 'same', (v) => Math.max(v, 0)],
  Step: ['unary_step', 'float32', null],
  Sign: ['unary_sign', 'same', Math.sign],
  Erf: ['unary_erf', 'float32', null],
  Sin: ['unary_sin', 'float32', null],
  Cos: ['unary_cos', 'float32', null],
  Floor: ['unary_floor', 'same', (v) => v],
  Round: ['unary_round', 'same', (v) => v],
  IsNan: ['unary_is_nan', 'bool', () => 0],
  IsFinite: ['unary_is_finite', 'bool', () => 1],
  LogicalNot: ['unary_logical_not', 'bool', (v) => (v === 0 ? 1 : 0)],
};

export const unaryKernels: KernelConfig[] = Object.entries(UNARY).map(([name, [fn, out, host]]) =>
  kernel(name, ({ inputs, backend }) => {
    const x = inputs.x!;
    const dtype = out === 'same' ? x.dtype : out;
    if (x.dtype === 'int32') {
      if (!host) return onHost(backend, [x], x.shape, 'float32', ([v]) => Float32Array.from(v!));
      return onHost(backend, [x], x.shape, dtype, ([v]) => Array.from(v!, host));
    }
    return runUnary(backend, fn, x, dtype);
  }),
);
