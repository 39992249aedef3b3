// tfjs-wasm's Slice (and SplitV, which calls it once per piece) starts with readSync, which copies
// the whole input out of the heap, then copies each row through a new subarray: splitting the
// tiny GPT's [1024, 384] qkv into three copied 4.5 MB and made 3000 subarrays. These wrappers copy
// only the slice, row by row inside the heap (copyWithin), for numeric dtypes; strings stay with tfjs.
import { backend_util, slice_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './memory.js';
import { wrapKernel } from './wrap-kernel.js';

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** The slice of x at begin/size as a new tensor, copied inside the heap; x numeric and rank >= 1. */
function sliceInHeap(backend: WasmBackendLike, x: TensorInfo, b: number[], s: number[]): TensorInfo {
  const bytes = BYTES[x.dtype]!;
  const out = backend.makeOutput(s, x.dtype);
  const count = util.sizeFromShape(s);
  if (count === 0) return out;
  // Views after the allocation (it may have grown the heap); one byte view of the whole heap.
  const xv = backend.typedArrayFromHeap(x), ov = backend.typedArrayFromHeap(out);
  const heap = new Uint8Array(xv.buffer);
  const rank = x.shape.length;
  const strides = util.computeStrides(x.shape);
  // Copy runs of the innermost contiguous block: the last axis, widened over trailing axes taken whole.
  let inner0 = rank - 1;
  while (inner0 > 0 && s[inner0] === x.shape[inner0] && b[inner0] === 0) inner0--;
  const run = util.sizeFromShape(s.slice(inner0)) * bytes;
  const outer = s.slice(0, inner0);
  const idx = new Array<number>(inner0).fill(0);
  let dst = ov.byteOffset;
  for (let n = count * bytes / run; n > 0; n--) {
    let src = 0;
    for (let d = 0; d < inner0; d++) src += (b[d]! + idx[d]!) * strides[d]!;
    src = xv.byteOffset + (src + b[inner0]! * (inner0 < rank - 1 ? strides[inner0]! : 1)) * bytes;
    heap.copyWithin(dst, src, src + run);
    dst += run;
    for (let d = inner0 - 1; d >= 0; d--) {
      if (++idx[d]! < outer[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

function heapSlice(original: KernelConfig): KernelConfig {
  const inner = original.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    if (!BYTES[x.dtype] || x.shape.length === 0) return inner(args);
    const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
    const [b, s] = slice_util.parseSliceParams(x as never, begin, size);
    return sliceInHeap(args.backend as unknown as WasmBackendLike, x, b!, s!);
  };
  return { ...original, kernelFunc };
}

function heapSplitV(original: KernelConfig): KernelConfig {
  const inner = original.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    if (!BYTES[x.dtype] || x.shape.length === 0) return inner(args);
    const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number | number[] };
    const $axis = util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits, $axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    const size = [...x.shape];
    return sizes.map((n) => {
      size[$axis] = n;
      const piece = sliceInHeap(args.backend as unknown as WasmBackendLike, x, [...begin], [...size]);
      begin[$axis]! += n;
      return piece;
    });
  };
  return { ...original, kernelFunc };
}

/** Replaces tfjs-wasm's Slice and SplitV with the in-heap copies above. Idempotent. */
export function installHeapSlice(backendName = 'wasm'): void {
  wrapKernel('Slice', backendName, heapSlice);
  wrapKernel('SplitV', backendName, heapSplitV);
}
