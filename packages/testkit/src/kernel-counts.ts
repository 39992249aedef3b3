// Kernel counts: the forward+backward of each composite op launches a fixed number of kernels,
// whatever the batch and sequence sizes, and never a Tile (whose gradient tfjs computes with one
// Slice per copy). This is what keeps a training step from drowning in tiny kernels (gpt-tfjs spent
// over half its step in ~21,000 Slice/Add kernels from the Tile that broadcast LayerNorm's gamma).
// tf.profile is asynchronous and the names come from the engine, so no tensor is read synchronously.
import { describe, it, expect } from 'vitest';
import { Rng, tf } from '@llmkit/core';
import { compositeOpRunners, type CompositeOpRunner } from './runners.js';

async function kernelNames(runner: CompositeOpRunner, size: number): Promise<string[]> {
  const { xs, others } = runner.make(new Rng(3), size);
  try {
    const info = await tf.profile(() => {
      const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => runner.loss(args, others))(xs);
      tf.dispose([value, ...grads]);
    });
    return info.kernels.map((k) => k.name);
  } finally {
    tf.dispose([...xs, ...others]);
  }
}

/** Registers one test per composite op: same kernel list at two sizes, and no Tile. */
export function registerKernelCountChecks(): void {
  describe('kernel launches per forward+backward do not grow with the shape', () => {
    for (const runner of compositeOpRunners) {
      it(runner.name, async () => {
        await kernelNames(runner, 1); // registers lazy kernels outside the measurement
        const small = await kernelNames(runner, 1);
        const large = await kernelNames(runner, 3);
        expect(large).toEqual(small);
        expect(small).not.toContain('Tile');
        expect(small.length).toBeLessThanOrEqual(60);
      });
    }
  });
}
