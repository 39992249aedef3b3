// tfjs-wasm's Sum reduces only over trailing axes, so a sum over leading axes — every bias
// gradient, sum over the [B*T] rows of dy — first transposes the whole input. This wrapper sums
// leading axes directly (one pass, rows accumulated in order, in float32 like tfjs; csrc/sum.c,
// 4 columns at a time, where the SIMD module is attached) and leaves
// every other reduction to tfjs. Measured on the tiny GPT: 21 Sums took 12% of a training step.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './memory.js';
import { wrapKernel } from './wrap-kernel.js';
import { simdOf } from './simd/module.js';


/** The number of leading axes `axis` names, or -1 if it is not exactly axes 0..k-1. */
function leadingAxes(axis: number | number[], rank: number): number {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  return axes.every((a, i) => a === i) && axes.length < rank ? axes.length : -1;
}

function leadingAxesSum(original: KernelConfig): KernelConfig {
  const inner = original.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const k = x.dtype === 'float32' ? leadingAxes(axis, x.shape.length) : -1;
    if (k <= 0) return inner(args);
    const rows = x.shape.slice(0, k).reduce((a, d) => a * d, 1);
    const tail = x.shape.slice(k);
    const cols = tail.reduce((a, d) => a * d, 1);
    if (rows * cols === 0) return inner(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput(keepDims ? [...x.shape.slice(0, k).map(() => 1), ...tail] : tail, 'float32');
    const X = backend.typedArrayFromHeap(x);
    const Y = backend.typedArrayFromHeap(out);
    // csrc/sum.c where the SIMD module is attached (same order, same bits), else this loop.
    const simd = simdOf(args.backend);
    if (simd) {
      simd.sum_rows(X.byteOffset, Y.byteOffset, rows, cols);
      return out;
    }
    Y.set(X.subarray(0, cols));
    for (let r = 1; r < rows; r++) {
      const o = r * cols;
      for (let c = 0; c < cols; c++) Y[c] = Y[c]! + X[o + c]!;
    }
    return out;
  };
  return { ...original, kernelFunc };
}

/** Replaces tfjs-wasm's Sum with the wrapper above (idempotent). */
export function installLeadingAxesSum(backendName = 'wasm'): void {
  wrapKernel('Sum', backendName, leadingAxesSum);
}
