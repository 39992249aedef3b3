// UnsortedSegmentSum for the wasm backend, which lacks it: tfjs's gradient of Gather needs it, so
// without it any `tf.gather` on a trained tensor fails to backpropagate on wasm.
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { ShapeError } from '@llmkit/core';
import { wasmMemory } from './memory.js';

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const numSegments = (attrs as { numSegments: number }).numSegments;
    const mem = wasmMemory(backend);
    if (x.dtype !== 'float32' && x.dtype !== 'int32') {
      throw new ShapeError(`UnsortedSegmentSum (wasm): x must be float32 or int32; got ${x.dtype}`);
    }
    // segmentIds index the leading axes of x; each segment sums the remaining inner block.
    const idCount = segmentIds.shape.reduce((a, d) => a * d, 1);
    const inner = x.shape.slice(segmentIds.shape.length).reduce((a, d) => a * d, 1);
    const out = mem.alloc([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
    const X = mem.view(x), ids = mem.view(segmentIds) as Int32Array, O = mem.view(out);
    O.fill(0);
    for (let n = 0; n < idCount; n++) {
      const s = ids[n]!;
      if (s < 0 || s >= numSegments) continue; // TensorFlow drops out-of-range segment ids.
      const src = n * inner, dst = s * inner;
      for (let i = 0; i < inner; i++) O[dst + i] = O[dst + i]! + X[src + i]!;
    }
    return out;
  },
};
