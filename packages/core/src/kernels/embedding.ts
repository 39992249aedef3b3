// Embedding gather and its scatter-add gradient over host memory, with range checks on the ids.
import type { HostKernel } from './host-kernel.js';
import { f32, sizeOf } from './host-kernel.js';
import { scatterAddRows } from '../ops/embedding.js';
import { ShapeError } from '../errors.js';

export const embeddingHost: HostKernel = {
  kernelName: 'LlmkitEmbedding',
  run({ weight, ids }, _attrs, mem) {
    const [vocab, cols] = weight!.shape as [number, number];
    const yInfo = mem.alloc([...ids!.shape, cols], 'float32');
    const W = f32(mem.view(weight!)), I = mem.view(ids!) as Int32Array, Y = f32(mem.view(yInfo));
    for (let n = 0; n < I.length; n++) {
      const id = I[n]!;
      if (id < 0 || id >= vocab) throw new ShapeError(`embedding: id ${id} at position ${n} is outside [0, ${vocab})`);
      Y.set(W.subarray(id * cols, id * cols + cols), n * cols);
    }
    return [yInfo];
  },
};

export const embeddingGradHost: HostKernel = {
  kernelName: 'LlmkitEmbeddingGrad',
  run({ dy, ids }, attrs, mem) {
    const vocab = attrs.vocabSize as number;
    const cols = dy!.shape[dy!.shape.length - 1] as number;
    const outInfo = mem.alloc([vocab, cols], 'float32');
    const DY = f32(mem.view(dy!)), I = mem.view(ids!) as Int32Array, OUT = f32(mem.view(outInfo));
    if (I.length * cols !== sizeOf(dy!.shape)) {
      throw new ShapeError(`embedding gradient: dy [${dy!.shape.join(', ')}] does not match ids [${ids!.shape.join(', ')}]`);
    }
    scatterAddRows(DY, I, OUT, vocab, cols);
    return [outInfo];
  },
};
