// tfjs-wasm's Concat copies each row of each input through a new subarray: the backward pass of
// the tiny GPT's qkv split concatenates three [1024, 128] gradients, 3072 subarrays (and garbage)
// per layer. This wrapper copies the same runs inside the heap (copyWithin, no allocation) for
// numeric dtypes; strings and single non-empty inputs stay with tfjs.
import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './memory.js';
import { wrapKernel } from './wrap-kernel.js';

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

function heapConcat(original: KernelConfig): KernelConfig {
  const inner = original.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const dtype = inputs[0]?.dtype;
    const bytes = dtype ? BYTES[dtype] : undefined;
    const nonEmpty = inputs.filter((t) => util.sizeFromShape(t.shape) > 0);
    if (!bytes || nonEmpty.length < 2 || inputs.some((t) => t.dtype !== dtype)) return inner(args);
    const axis = util.parseAxisParam((args.attrs as { axis: number }).axis, inputs[0]!.shape)[0]!;
    backend_util.assertParamsConsistent(inputs.map((t) => t.shape), axis);
    const outShape = backend_util.computeOutShape(inputs.map((t) => t.shape), axis);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput(outShape, dtype!);
    // Views after the allocation (it may have grown the heap).
    const ov = backend.typedArrayFromHeap(out);
    const heap = new Uint8Array(ov.buffer);
    const runs = nonEmpty.map((t) => util.sizeFromShape(t.shape.slice(axis)) * bytes);
    const starts = nonEmpty.map((t) => backend.typedArrayFromHeap(t).byteOffset);
    const rows = util.sizeFromShape(nonEmpty[0]!.shape.slice(0, axis));
    let dst = ov.byteOffset;
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < runs.length; i++) {
        const run = runs[i]!, src = starts[i]! + r * run;
        heap.copyWithin(dst, src, src + run);
        dst += run;
      }
    }
    return out;
  };
  return { ...original, kernelFunc };
}

/** Replaces tfjs-wasm's Concat with the wrapper above (idempotent). */
export function installHeapConcat(backendName = 'wasm'): void {
  wrapKernel('Concat', backendName, heapConcat);
}
