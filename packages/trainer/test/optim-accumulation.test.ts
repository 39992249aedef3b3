// Gradient accumulation equals the larger batch: k micro-batches (with padding, so their token
// counts differ) give the same update as one batch of all their rows; clipping returns the norm
// and caps it; loss scaling by a power of two changes nothing, and an overflow skips the step.
import '@llmkit/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@llmkit/core';
import { CausalLM, type TokenBatch } from '@llmkit/objectives';
import { DynamicLossScaler, SGD, Trainer, clipByGlobalNorm, clipByGlobalNormTensor, globalNorm, type TrainerOptions } from '../src/index.js';
import { SeededRows, tinyGPT } from './trainer-helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

function concat(batches: TokenBatch[]): TokenBatch {
  const length = batches[0]!.length!;
  const rows = batches.reduce((n, b) => n + b.batchSize, 0);
  const join = (key: 'inputIds' | 'attentionMask') => {
    const out = new Int32Array(rows * length);
    let offset = 0;
    for (const b of batches) {
      out.set(b[key] as Int32Array, offset);
      offset += b[key]!.length;
    }
    return out;
  };
  return { batchSize: rows, length, inputIds: join('inputIds'), attentionMask: join('attentionMask') };
}

/** Parameters after one SGD step of lr 1 (p - g) on `batch`. */
async function update(batch: TokenBatch | TokenBatch[], extra: Partial<TrainerOptions> = {}) {
  const model = tinyGPT();
  const optimizer = new SGD(model, { lr: 1 });
  const trainer = new Trainer({ model, objective: new CausalLM(), optimizer, log: false, ...extra });
  const metrics = await trainer.step(batch);
  const params = model.namedParameters().map(([n, v]) => [n, Float32Array.from(v.dataSync())] as const);
  optimizer.dispose();
  model.dispose();
  return { metrics, params };
}

type Params = Awaited<ReturnType<typeof update>>['params'];

function maxDiff(a: Params, b: Params): number {
  let worst = 0;
  a.forEach(([, x], i) => x.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i]![1][j]!)))));
  return worst;
}

describe('gradient accumulation', () => {
  const source = new SeededRows(11, 2, 12, Infinity, true);
  const micro = [source.batch(0), source.batch(1), source.batch(2)];

  it('3 padded micro-batches of 2 rows update exactly as one batch of 6 rows (max abs difference < 2e-7)', async () => {
    const big = await update(concat(micro));
    const acc = await update(micro);
    expect(acc.metrics.loss).toBeCloseTo(big.metrics.loss, 6);
    expect(acc.metrics.tokens).toBe(big.metrics.tokens);
    expect(maxDiff(acc.params, big.params)).toBeLessThan(2e-7);
  });

  it("accumulation: 'mean' (nanoGPT's loss / k) differs from the larger batch when padding makes token counts differ", async () => {
    const big = await update(concat(micro));
    const mean = await update(micro, { accumulation: 'mean' });
    expect(maxDiff(mean.params, big.params)).toBeGreaterThan(1e-4);
  });
});

describe('clipByGlobalNorm', () => {
  it('returns the norm before clipping; clipped gradients have norm maxNorm; below it values are unchanged', async () => {
    const grads = { a: tf.tensor([3, 0]), b: tf.tensor([[0, 4]]) };
    expect(await globalNorm(grads)).toBeCloseTo(5, 6);
    const { grads: clipped, norm, clipped: was } = await clipByGlobalNorm(grads, 1);
    expect(norm).toBeCloseTo(5, 6);
    expect(was).toBe(true);
    expect(await globalNorm(clipped)).toBeCloseTo(1, 5);
    expect(Array.from(await clipped.a!.data())[0]).toBeCloseTo(0.6, 6);
    const same = await clipByGlobalNorm(grads, 10);
    expect(same.clipped).toBe(false);
    expect(same.grads.a).not.toBe(grads.a);
    expect(Array.from(await same.grads.a!.data())).toEqual([3, 0]);
    expect(Array.from(await same.grads.b!.data())).toEqual([0, 4]);
    tf.dispose([...Object.values(grads), ...Object.values(clipped), ...Object.values(same.grads)]);
  });

  it('a non-finite norm is returned as is and makes the gradients non-finite (the trainer stops on it)', async () => {
    const grads = { a: tf.tensor([NaN, 1]) };
    const { grads: out, norm, clipped } = await clipByGlobalNorm(grads, 1);
    expect(norm).toBeNaN();
    expect(clipped).toBe(false);
    expect(Number.isNaN((await out.a!.data())[1])).toBe(true);
    tf.dispose([...Object.values(grads), ...Object.values(out)]);
  });

  it('rejects a maxNorm that is not > 0, naming it', () => {
    expect(() => clipByGlobalNormTensor({}, 0)).toThrow(/'maxNorm' must be a number > 0, got 0/);
  });
});

describe('loss scaling', () => {
  const batch = new SeededRows(12).batch(0);

  it('a power-of-two scale leaves the update unchanged', async () => {
    const plain = await update(batch);
    const scaled = await update(batch, { lossScaler: new DynamicLossScaler({ initScale: 2 ** 12 }) });
    expect(scaled.metrics.loss).toBe(plain.metrics.loss);
    expect(maxDiff(scaled.params, plain.params)).toBeLessThan(1e-7);
  });

  it('DynamicLossScaler: an Infinity in the gradients reports non-finite; backoff halves the scale, growth doubles it', async () => {
    const scaler = new DynamicLossScaler({ initScale: 8, growthInterval: 2 });
    const grads = { a: tf.tensor([16, Infinity]), b: tf.tensor([8]) };
    const bad = await scaler.unscale(grads);
    expect(bad.finite).toBe(false);
    const good = await scaler.unscale({ b: grads.b });
    expect(good.finite).toBe(true);
    expect(Array.from(good.grads.b!.dataSync())).toEqual([1]);
    scaler.update(false);
    expect(scaler.scale).toBe(4);
    scaler.update(true);
    scaler.update(true);
    expect(scaler.scale).toBe(8);
    tf.dispose([...Object.values(grads), ...Object.values(bad.grads), ...Object.values(good.grads)]);
  });

  it('a step whose unscaled gradients are not finite is skipped: parameters unchanged, the scaler told, the step counted', async () => {
    const scaler = new DynamicLossScaler({ initScale: 2 });
    // Pretend the half-precision backward overflowed.
    const unscale = scaler.unscale.bind(scaler);
    scaler.unscale = async (g) => ({ ...(await unscale(g)), finite: false });
    const model = tinyGPT();
    const before = Float32Array.from(model.transformer.wte.weight.dataSync());
    const optimizer = new SGD(model, { lr: 1 });
    const trainer = new Trainer({ model, objective: new CausalLM(), optimizer, lossScaler: scaler, log: false });
    const count = tf.memory().numTensors;
    const metrics = await trainer.step(batch);
    expect(tf.memory().numTensors).toBe(count);
    expect(metrics.skipped).toBe(true);
    expect(scaler.scale).toBe(1);
    expect(Float32Array.from(model.transformer.wte.weight.dataSync())).toEqual(before);
    expect(trainer.stepCount).toBe(1);
    optimizer.dispose();
    model.dispose();
  });
});
