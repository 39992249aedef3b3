// Embedding lookup whose gradient is a scatter-add into [V, C]. tfjs's Gather gradient needs the
// UnsortedSegmentSum kernel, which the wasm backend lacks; this op's gradient is its own kernel,
// which backends fuse, with a host fallback that works on any backend.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { defineComposite, runComposite } from './composite.js';
import { assertFloat, assertInt } from './checks.js';
import { ShapeError } from '../errors.js';

/** Adds each row of dy [N, C] into row ids[n] of a zeroed out [V, C]. Throws on ids out of range. */
export function scatterAddRows(dy: Float32Array, ids: Int32Array, out: Float32Array, vocabSize: number, cols: number): void {
  out.fill(0);
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n] as number;
    if (id < 0 || id >= vocabSize) {
      throw new ShapeError(`embedding: id ${id} at position ${n} is outside [0, ${vocabSize})`);
    }
    const src = n * cols;
    const dst = id * cols;
    for (let c = 0; c < cols; c++) out[dst + c] = (out[dst + c] as number) + (dy[src + c] as number);
  }
}

export const embeddingGradKernel = defineComposite({
  kernelName: 'LlmkitEmbeddingGrad',
  // Inputs: dy [..., C], ids int32 [...]. Attrs: vocabSize. Output: dweight [V, C].
  defaultImpl: ({ dy, ids }, attrs) => {
    const vocabSize = attrs.vocabSize as number;
    const c = (dy as Tensor).shape[(dy as Tensor).rank - 1] as number;
    const n = (ids as Tensor).size;
    const flatDy = tf.reshape(dy as Tensor, [n, c]);
    const flatIds = tf.reshape(ids as Tensor, [n]);
    if (tf.getKernel('UnsortedSegmentSum', tf.getBackend()) != null) {
      return tf.unsortedSegmentSum(flatDy, flatIds as tf.Tensor1D, vocabSize);
    }
    // Host fallback for backends without a scatter kernel: correct everywhere, but reads back dy.
    const out = new Float32Array(vocabSize * c);
    scatterAddRows(flatDy.dataSync() as Float32Array, flatIds.dataSync() as Int32Array, out, vocabSize, c);
    return tf.tensor2d(out, [vocabSize, c]);
  },
});

export const embeddingKernel = defineComposite({
  kernelName: 'LlmkitEmbedding',
  // Inputs: weight [V, C], ids int32 [...]. Attrs: vocabSize. Output: [..., C].
  defaultImpl: ({ weight, ids }) => {
    const w = weight as Tensor;
    const c = w.shape[1] as number;
    const flat = tf.gather(w, tf.reshape(ids as Tensor, [(ids as Tensor).size]));
    return tf.reshape(flat, [...(ids as Tensor).shape, c]);
  },
  gradient: {
    inputsToSave: ['ids'],
    gradFunc: (dy, saved, attrs) => {
      const [ids] = saved as Tensor[];
      return {
        weight: () => runComposite(embeddingGradKernel, { dy: dy as Tensor, ids: ids as Tensor }, attrs)[0] as Tensor,
      };
    },
  },
});

/**
 * Looks up rows of `weight` [V, C] for integer `ids` of any shape; returns [...ids.shape, C].
 *
 * ```ts
 * const x = embedding(wte, tokenIds);   // [B, T] -> [B, T, C]
 * ```
 */
export function embedding(weight: Tensor, ids: Tensor): Tensor {
  assertFloat('embedding', 'weight', weight);
  assertInt('embedding', 'ids', ids);
  if (weight.rank !== 2) throw new ShapeError(`embedding: 'weight' must be [V, C]; got [${weight.shape.join(', ')}]`);
  return runComposite(embeddingKernel, { weight, ids }, { vocabSize: weight.shape[0] as number })[0] as Tensor;
}
