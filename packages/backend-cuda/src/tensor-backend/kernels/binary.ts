// Elementwise binary tfjs kernels with numpy broadcasting on elementwise-binary.cu; same-shape
// operands take the kernels' `_same` fast path. int32 operands are computed on the host.
import { backend_util, util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { broadcastStrides, contiguousStrides, packLayout } from '../../kernels/layout.js';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';
import { THREADS, gridFor, kernel, onHost, size } from './shared.js';

type Out = 'float32' | 'bool' | 'same';
/** tfjs kernel name → [kernel in elementwise-binary.cu, output dtype, int32 host function]. */
const BINARY: Record<string, [string, Out, (a: number, b: number) => number]> = {
  Add: ['binary_add', 'same', (a, b) => a + b],
  Sub: ['binary_sub', 'same', (a, b) => a - b],
  Multiply: ['binary_mul', 'same', (a, b) => Math.imul(a, b)],
  RealDiv: ['binary_div', 'float32', (a, b) => a / b],
  Maximum: ['binary_maximum', 'same', Math.max],
  Minimum: ['binary_minimum', 'same', Math.min],
  Pow: ['binary_pow', 'same', (a, b) => a ** b],
  SquaredDifference: ['binary_squared_difference', 'same', (a, b) => (a - b) ** 2],
  Greater: ['binary_greater', 'bool', (a, b) => +(a > b)],
  GreaterEqual: ['binary_greater_equal', 'bool', (a, b) => +(a >= b)],
  Less: ['binary_less', 'bool', (a, b) => +(a < b)],
  LessEqual: ['binary_less_equal', 'bool', (a, b) => +(a <= b)],
  Equal: ['binary_equal', 'bool', (a, b) => +(a === b)],
  NotEqual: ['binary_not_equal', 'bool', (a, b) => +(a !== b)],
  LogicalAnd: ['binary_logical_and', 'bool', (a, b) => +(a !== 0 && b !== 0)],
  LogicalOr: ['binary_logical_or', 'bool', (a, b) => +(a !== 0 || b !== 0)],
  FloorDiv: ['binary_floor_div', 'same', (a, b) => Math.floor(a / b)],
  Mod: ['binary_mod', 'same', (a, b) => a - b * Math.floor(a / b)],
};

/** out = f(a, b) broadcast; shared by the table and by kernels that compose binary ops. */
export function runBinary(backend: CudaKernelBackend, fn: string, a: TensorInfo, b: TensorInfo, dtype: 'float32' | 'bool'): TensorInfo {
  const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const n = util.sizeFromShape(shape);
  const o = backend.output(shape, dtype);
  if (n === 0) return o.info;
  const args = [{ ptr: backend.pointer(a) }, { ptr: backend.pointer(b) }, { ptr: o.ptr }, { i32: n }];
  if (util.arraysEqual(a.shape, b.shape)) {
    backend.launch('elementwise-binary', `${fn}_same`, gridFor(n), [THREADS], args);
  } else {
    const layout = packLayout(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape), contiguousStrides(shape)]);
    backend.launch('elementwise-binary', fn, gridFor(n), [THREADS], [...args, { bytes: layout }]);
  }
  return o.info;
}

export const binaryKernels: KernelConfig[] = Object.entries(BINARY).map(([name, [fn, out, host]]) =>
  kernel(name, ({ inputs, backend }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype === 'int32' || b.dtype === 'int32') {
      const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const dtype = out === 'same' ? 'int32' : out;
      const sa = broadcastStrides(a.shape, shape), sb = broadcastStrides(b.shape, shape), so = contiguousStrides(shape);
      return onHost(backend, [a, b], shape, dtype, ([va, vb]) => {
        const r = new Float64Array(util.sizeFromShape(shape));
        for (let i = 0; i < r.length; i++) {
          let ia = 0, ib = 0;
          for (let d = 0; d < shape.length; d++) {
            const c = Math.floor(i / so[d]!) % shape[d]!;
            ia += c * sa[d]!;
            ib += c * sb[d]!;
          }
          r[i] = host(va![ia]!, vb![ib]!);
        }
        return r;
      });
    }
    return runBinary(backend, fn, a, b, out === 'same' ? (a.dtype === 'bool' ? 'float32' : 'float32') : out);
  }),
);

export { size };
