// Every TensorFlow.js kernel that llmkit's models, objectives and trainer use must have a webgpu
// implementation: a missing one is a test failure naming it (tfjs would otherwise throw "Kernel
// 'X' not registered for backend 'webgpu'" in the middle of a user's training run).
//
// The kernels are recorded on the cpu backend with core's composite defaults (no fused kernels),
// by wrapping the engine's runKernel: every kernel goes through it, including those that ops call
// inside a composite's default implementation and inside gradient functions during backprop (the
// first test checks the recorder against tf.profile on such a case). Recorded: a tiny GPT trained
// by the Trainer (CausalLM, two micro-batches, AdamW, clipByGlobalNorm, a dynamic loss scaler,
// evaluation), a tiny BERT step with MaskedLM + SentenceOrder, a GPT sequence classifier step, KV-cache
// decoding, and every composite op's default forward and backward. llmkit's own composite kernels
// ('Llmkit*') are registered lazily for whichever backend is active, so they are not looked up;
// the tfjs kernels their defaults run are. Needs no GPU: tfjs-backend-webgpu registers its kernels
// when it is imported.
//
// The trainer is loaded by its package name at run time instead of being a devDependency:
// @llmkit/trainer devDepends on this package (its tests run on webgpu), and turbo's ^build follows
// devDependencies, so declaring it here would make a build cycle. `npm test` builds every package
// before vitest runs, so its dist is there; the types below are the few members this test uses.
import { cpuBackend } from '@llmkit/backend-cpu';
import '../src/index.js';
import { Rng, layerNorm, softmaxCrossEntropy, tf, useBackend, type Module } from '@llmkit/core';
import { BERT, GPT, GPTModel, SequenceClassifier } from '@llmkit/layers';
import { CausalLM, MaskedLM, SentenceOrder, combine, computeLoss } from '@llmkit/objectives';
import { compositeOpRunners, recordKernels } from '@llmkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';

interface TrainerLike {
  step(batch: unknown): Promise<{ loss: number; gradNorm: number }>;
  evaluate(data: unknown): Promise<{ loss: number }>;
}
interface TrainerModule {
  Trainer: new (options: Record<string, unknown>) => TrainerLike;
  AdamW: new (model: Module, options?: Record<string, unknown>) => { dispose(): void };
  DynamicLossScaler: new (options?: Record<string, unknown>) => unknown;
  clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): Promise<{ grads: Record<string, tf.Tensor>; norm: number }>;
}

async function loadTrainer(): Promise<TrainerModule> {
  const specifier = '@llmkit/trainer';
  try {
    return (await import(/* @vite-ignore */ specifier)) as TrainerModule;
  } catch (cause) {
    throw new Error(
      `kernel coverage records the trainer's kernels from @llmkit/trainer's build; build it first ` +
        `(\`npx turbo run build --filter=@llmkit/trainer\`, or \`npm test\`). Importing it failed: ${String(cause)}`,
      { cause },
    );
  }
}

const ids = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');

/** A TokenBatch of rows, as the trainer's data pipeline yields them; right-padded (id 0) when `padded`. */
function rowBatch(rng: Rng, batchSize: number, length: number, vocab: number, padded: boolean) {
  const inputIds = new Int32Array(batchSize * length);
  const attentionMask = new Int32Array(batchSize * length);
  for (let r = 0; r < batchSize; r++) {
    const len = padded && r > 0 ? Math.max(2, length - r) : length;
    for (let t = 0; t < len; t++) {
      inputIds[r * length + t] = 1 + rng.nextInt(vocab - 1);
      attentionMask[r * length + t] = 1;
    }
  }
  return { batchSize, length, inputIds, attentionMask };
}

/** What each workload ran, by workload, and all of it together. */
const recorded = new Map<string, Set<string>>();
const all = new Set<string>();

async function record(workload: string, f: () => Promise<void> | void): Promise<void> {
  const names = new Set<string>();
  await recordKernels(names, f);
  recorded.set(workload, names);
  for (const n of names) all.add(n);
}

describe('kernel coverage: every tfjs kernel llmkit uses has a webgpu implementation', () => {
  let trainer: TrainerModule;

  beforeAll(async () => {
    trainer = await loadTrainer();
    // cpu with core's composite defaults: the kernels a backend without fused kernels runs.
    await useBackend({ ...cpuBackend, name: 'cpu-defaults', kernels: [] });
  });

  it('the recorder sees the kernels nested in composite defaults and in gradients, as tf.profile does', async () => {
    const f = () => {
      const x = tf.tensor2d([[0.5, -1, 2], [3, 0.25, -2]]);
      const gamma = tf.tensor1d([1, 0.5, 2]);
      const [dx] = tf.grads((a: tf.Tensor) => tf.sum(tf.sigmoid(layerNorm(a, gamma, tf.zerosLike(gamma)))))([x]);
      tf.dispose([x, gamma, dx!]);
    };
    const names = new Set<string>();
    await recordKernels(names, f);
    const profiled = new Set((await tf.profile(f)).kernels.map((k) => k.name));
    expect([...names].sort()).toEqual([...profiled].sort());
    // Composite forward and backward kernels, and tfjs kernels only the backward pass runs: the
    // sigmoid's gradient (a Sub) and the LayerNorm gradient's default implementation.
    expect(names).toContain('LlmkitLayerNorm');
    expect(names).toContain('LlmkitLayerNormGrad');
    expect(names).toContain('Sub');
    const forwardOnly = new Set<string>();
    await recordKernels(forwardOnly, () => {
      const x = tf.tensor2d([[0.5, -1, 2], [3, 0.25, -2]]);
      const gamma = tf.tensor1d([1, 0.5, 2]);
      tf.dispose([x, gamma, tf.sum(tf.sigmoid(layerNorm(x, gamma, tf.zerosLike(gamma))))]);
    });
    expect([...names].filter((n) => !forwardOnly.has(n)).length).toBeGreaterThan(1);
  });

  it('records a tiny GPT trained by the Trainer: CausalLM, 2 micro-batches, AdamW, clipping, loss scaling, evaluation', async () => {
    const { Trainer, AdamW, DynamicLossScaler, clipByGlobalNorm } = trainer;
    const rng = new Rng(1);
    const model = new GPT({ vocabSize: 24, nPositions: 16, nEmbd: 16, nLayer: 1, nHead: 2, seed: 1 }); // dropout 0.1: its kernels too
    const optimizer = new AdamW(model, { lr: 1e-3, weightDecay: 0.1 });
    try {
      await record('GPT + CausalLM + Trainer (AdamW, clipNorm, accumulation)', async () => {
        const t = new Trainer({ model, objective: new CausalLM(), optimizer, clipNorm: 1, log: false });
        const metrics = await t.step([rowBatch(rng, 2, 8, 24, true), rowBatch(rng, 2, 8, 24, false)]);
        expect(Number.isFinite(metrics.loss)).toBe(true);
        const ev = await t.evaluate([rowBatch(rng, 2, 8, 24, true)]);
        expect(Number.isFinite(ev.loss)).toBe(true);
      });
      await record('GPT + CausalLM + Trainer (dynamic loss scaler: a clean step, then an overflow)', async () => {
        // 128 scales fine; 1e39 is past float32's range, so the scaled gradients are not finite and
        // the scaler must skip the step and halve (the overflow branch's kernels are recorded too).
        const after: number[] = [];
        for (const initScale of [128, 1e39]) {
          const scaler = new DynamicLossScaler({ initScale }) as { scale: number };
          const t = new Trainer({ model, objective: new CausalLM(), optimizer, clipNorm: 1, lossScaler: scaler, log: false });
          await t.step(rowBatch(rng, 2, 8, 24, true));
          after.push(scaler.scale / initScale);
        }
        expect(after, 'the scale after the clean step and after the overflow').toEqual([1, 0.5]);
      });
      await record('clipByGlobalNorm (async)', async () => {
        const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor2d([[1, 2]]) };
        const { grads: clipped, norm } = await clipByGlobalNorm(grads, 1);
        expect(norm).toBeCloseTo(Math.sqrt(30), 4);
        tf.dispose([...Object.values(grads), ...Object.values(clipped)]);
      });
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });

  it('records a tiny BERT step with MaskedLM + SentenceOrder', async () => {
    const { Trainer, AdamW } = trainer;
    const [PAD, CLS, SEP, MASK] = [0, 1, 2, 3];
    const vocab = 30;
    const model = new BERT({ vocabSize: vocab, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 16, seed: 2 });
    const optimizer = new AdamW(model);
    const objective = combine(
      [
        new SentenceOrder({ clsTokenId: CLS, sepTokenId: SEP, padTokenId: PAD, maxLength: 12 }),
        new MaskedLM({ vocabSize: vocab, maskTokenId: MASK, specialTokenIds: [PAD, CLS, SEP, MASK], maskProbability: 0.5 }),
      ],
      { sop: 1, mlm: 1 },
    );
    const pairs = [
      { a: [4, 5, 6], b: [7, 8, 9, 10] },
      { a: [11, 12], b: [13] },
      { a: [14, 15, 16, 17], b: [18, 19] },
    ];
    try {
      await record('BERT + MaskedLM + SentenceOrder + Trainer', async () => {
        const t = new Trainer({ model, objective, optimizer, clipNorm: 1, log: false, seed: 3 });
        const metrics = await t.step({ pairs });
        expect(Number.isFinite(metrics.loss)).toBe(true);
      });
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  });

  it('records a GPT sequence classifier step (last-token pooling on a padded batch)', async () => {
    const clf = new SequenceClassifier(new GPTModel({ vocabSize: 20, nPositions: 8, nEmbd: 12, nLayer: 1, nHead: 2, seed: 4 }), { numLabels: 3 });
    try {
      await record('GPT SequenceClassifier', () => {
        const x = { inputIds: ids([[1, 2, 3, 0], [4, 5, 6, 7]]), attentionMask: ids([[1, 1, 1, 0], [1, 1, 1, 1]]) };
        const labels = tf.tensor1d([2, 0], 'int32');
        const { value, grads } = tf.variableGrads(() => {
          const logits = (clf.forward(x) as { logits: tf.Tensor }).logits;
          return softmaxCrossEntropy(logits, labels) as tf.Scalar;
        });
        tf.dispose([value, ...Object.values(grads), x.inputIds, x.attentionMask, labels]);
      });
    } finally {
      clf.dispose();
    }
  });

  it('records GPT generation: a prompt into the KV cache, then one-token decode steps', async () => {
    const gpt = new GPT({ vocabSize: 24, nPositions: 16, nEmbd: 16, nLayer: 2, nHead: 2, seed: 5 });
    gpt.eval();
    try {
      await record('GPT generation with a KV cache', async () => {
        const cache = gpt.createCache();
        let next = [3, 7, 1, 9];
        for (let step = 0; step < 3; step++) {
          const row = tf.tidy(() => {
            const inputIds = tf.tensor2d(next, [1, next.length], 'int32');
            const { logits } = gpt.forward({ inputIds, cache });
            return tf.reshape(tf.slice(logits, [0, next.length - 1, 0], [1, 1, -1]), [-1]);
          });
          const values = await row.data();
          row.dispose();
          next = [values.indexOf(Math.max(...values))];
        }
        // Past the cache: a plain forward over the window, as a sampler does when the context is full.
        const window = tf.tidy(() => gpt.forward({ inputIds: ids([[1, 2, 3, 4, 5]]) }).logits);
        await window.data();
        window.dispose();
        cache.dispose();
      });
    } finally {
      gpt.dispose();
    }
  });

  it("records every composite op's default implementation, forward and backward", async () => {
    for (const runner of compositeOpRunners) {
      await record(`composite default: ${runner.name}`, () => {
        const { xs, others } = runner.make(new Rng(11), 2);
        const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => runner.loss(args, others))(xs);
        tf.dispose([value, ...grads, ...xs, ...others]);
      });
    }
  });

  it('every recorded kernel is registered for webgpu', () => {
    const names = [...all].sort();
    const tfjsKernels = names.filter((n) => !n.startsWith('Llmkit'));
    const missing = tfjsKernels.filter((n) => tf.getKernel(n, 'webgpu') == null);
    console.log(
      `kernel coverage: ${tfjsKernels.length} tfjs kernels recorded (+${names.length - tfjsKernels.length} llmkit composites) ` +
        `over ${recorded.size} workloads: ${tfjsKernels.join(', ')}`,
    );
    const where = missing.map((n) => `${n} (used by: ${[...recorded].filter(([, s]) => s.has(n)).map(([w]) => w).join('; ')})`);
    expect(missing, `kernels with no webgpu implementation:\n  ${where.join('\n  ')}`).toEqual([]);
    expect(recorded.size, 'every workload above was recorded').toBe(6 + compositeOpRunners.length);
    // A sanity floor: a GPT step alone runs matmuls, softmax pieces, reductions and a gather.
    for (const n of ['BatchMatMul', 'GatherV2', 'Sum', 'Exp']) expect(tfjsKernels).toContain(n);
  });
});
