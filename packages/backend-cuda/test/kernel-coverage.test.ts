// Every training, evaluation and decoding path of llmkit runs on 'cuda' — the CPU test double
// executing the .cu kernels and the cuBLAS double — and gives tfjs-cpu's numbers. Each workload
// (backend-webgpu's kernel-coverage list) runs twice: on tfjs-cpu with core's composite defaults,
// recording every tfjs kernel it runs (testkit's recordKernels), then on 'cuda' with the fused
// kernels; the numbers it returns (losses, gradient norms, logits, generated tokens) must agree
// within the tolerance stated per workload, and the 'cuda' run must leave no tensor behind. The
// last test lists the recorded kernels that have no 'cuda' kernel (testkit's missingKernels).
//
// @llmkit/trainer and @llmkit/eval are loaded by name at run time, as backend-webgpu's test loads
// the trainer: a devDependency on a package whose tests run on backends would make a build cycle
// for turbo; `npm test` builds every package before vitest runs.
import { cpuBackend } from '@llmkit/backend-cpu';
import { Rng, tf, softmaxCrossEntropy, useBackend, type Backend, type Module } from '@llmkit/core';
import { BERT, GPT, GPTModel, SequenceClassifier } from '@llmkit/layers';
import { CausalLM, MaskedLM, SentenceOrder, combine } from '@llmkit/objectives';
import { compositeOpRunners, missingKernels, recordKernels } from '@llmkit/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCudaBackend } from './kernel-harness.js';

interface TrainerModule {
  Trainer: new (options: Record<string, unknown>) => { step(batch: unknown): Promise<{ loss: number; gradNorm: number }>; evaluate(data: unknown): Promise<{ loss: number }> };
  AdamW: new (model: Module, options?: Record<string, unknown>) => { dispose(): void };
  DynamicLossScaler: new (options?: Record<string, unknown>) => { readonly scale: number };
  clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): Promise<{ grads: Record<string, tf.Tensor>; norm: number }>;
}
interface EvalModule {
  generate(model: unknown, prompts: number[][], options?: Record<string, unknown>): Promise<{ tokens: number[][] }>;
}

async function load<T>(name: string): Promise<T> {
  try {
    return (await import(/* @vite-ignore */ name)) as T;
  } catch (cause) {
    throw new Error(`kernel coverage runs ${name}'s build; build it first (\`npx turbo run build --filter=${name}\`): ${String(cause)}`, { cause });
  }
}

/** A right-padded TokenBatch of seeded ids, as the trainer's data pipeline yields them. */
function rowBatch(rng: Rng, batchSize: number, length: number, vocab: number, padded: boolean) {
  const inputIds = new Int32Array(batchSize * length), attentionMask = new Int32Array(batchSize * length);
  for (let r = 0; r < batchSize; r++) {
    const len = padded && r > 0 ? Math.max(2, length - r) : length;
    for (let t = 0; t < len; t++) {
      inputIds[r * length + t] = 1 + rng.nextInt(vocab - 1);
      attentionMask[r * length + t] = 1;
    }
  }
  return { batchSize, length, inputIds, attentionMask };
}

const ids = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');
const values = async (t: tf.Tensor) => Array.from(await t.data());

interface Workload {
  name: string;
  /** Largest allowed |cuda - cpu| over the returned numbers, and why. */
  tolerance: number;
  why: string;
  /** Builds its own seeded model and data, runs, disposes everything; returns the numbers to compare. */
  run(): Promise<number[]>;
}

let trainer: TrainerModule;
let evalPkg: EvalModule;

const TRAINING = 'float32 sums in another order, over 2-3 AdamW steps of a tiny model';
const workloads: Workload[] = [
  {
    name: 'GPT + CausalLM + Trainer: AdamW, clipping, 2 micro-batches, dropout 0.1, evaluation',
    tolerance: 1e-4,
    why: TRAINING,
    async run() {
      const rng = new Rng(1);
      const model = new GPT({ vocabSize: 24, nPositions: 16, nEmbd: 16, nLayer: 1, nHead: 2, seed: 1 }); // dropout 0.1 everywhere (host masks: the same on both backends)
      const optimizer = new trainer.AdamW(model, { lr: 1e-3, weightDecay: 0.1 });
      try {
        const t = new trainer.Trainer({ model, objective: new CausalLM(), optimizer, clipNorm: 1, log: false });
        const out: number[] = [];
        for (let s = 0; s < 2; s++) {
          const m = await t.step([rowBatch(rng, 2, 8, 24, true), rowBatch(rng, 2, 8, 24, false)]);
          out.push(m.loss, m.gradNorm);
        }
        out.push((await t.evaluate([rowBatch(rng, 2, 8, 24, true)])).loss);
        return out;
      } finally {
        optimizer.dispose();
        model.dispose();
      }
    },
  },
  {
    name: 'GPT + CausalLM + Trainer with a dynamic loss scaler (one overflow-free step, then a forced overflow)',
    tolerance: 1e-4,
    why: TRAINING,
    async run() {
      const rng = new Rng(2);
      const model = new GPT({ vocabSize: 24, nPositions: 16, nEmbd: 16, nLayer: 1, nHead: 2, seed: 2, residPdrop: 0, embdPdrop: 0, attnPdrop: 0 });
      const optimizer = new trainer.AdamW(model, { lr: 1e-3 });
      try {
        const out: number[] = [];
        // 128 scales fine; 1e39 is past float32's range (the scale itself becomes inf on the device),
        // so the scaled gradients are not finite and the scaler must skip the step and halve.
        for (const initScale of [128, 1e39]) {
          const scaler = new trainer.DynamicLossScaler({ initScale });
          const t = new trainer.Trainer({ model, objective: new CausalLM(), optimizer, clipNorm: 1, lossScaler: scaler, log: false });
          const m = await t.step(rowBatch(rng, 2, 8, 24, true));
          out.push(m.loss, Number.isFinite(m.gradNorm) ? m.gradNorm : -1, scaler.scale / initScale);
        }
        expect([out[2], out[5]], 'the scale after the clean step and after the overflow').toEqual([1, 0.5]);
        return out;
      } finally {
        optimizer.dispose();
        model.dispose();
      }
    },
  },
  {
    name: 'clipByGlobalNorm',
    tolerance: 1e-6,
    why: 'a norm of 3 values',
    async run() {
      const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor2d([[1, 2]]) };
      const { grads: clipped, norm } = await trainer.clipByGlobalNorm(grads, 1);
      const out = [norm, ...(await values(clipped.a!)), ...(await values(clipped.b!))];
      tf.dispose([...Object.values(grads), ...Object.values(clipped)]);
      return out;
    },
  },
  {
    name: 'BERT + MaskedLM + SentenceOrder + Trainer (dropout 0.1)',
    tolerance: 1e-4,
    why: TRAINING,
    async run() {
      const [PAD, CLS, SEP, MASK] = [0, 1, 2, 3];
      const vocab = 30;
      const model = new BERT({ vocabSize: vocab, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 16, seed: 2 });
      const optimizer = new trainer.AdamW(model);
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
        const t = new trainer.Trainer({ model, objective, optimizer, clipNorm: 1, log: false, seed: 3 });
        const out: number[] = [];
        for (let s = 0; s < 2; s++) {
          const m = await t.step({ pairs });
          out.push(m.loss, m.gradNorm);
        }
        return out;
      } finally {
        optimizer.dispose();
        model.dispose();
      }
    },
  },
  {
    name: "GPT sequence classifier step (layers' SequenceClassifier, last-token pooling on a padded batch)",
    tolerance: 1e-4,
    why: 'gradients of a tiny model, float32 sums in another order',
    async run() {
      const clf = new SequenceClassifier(new GPTModel({ vocabSize: 20, nPositions: 8, nEmbd: 12, nLayer: 1, nHead: 2, seed: 4 }), { numLabels: 3 });
      try {
        const x = { inputIds: ids([[1, 2, 3, 0], [4, 5, 6, 7]]), attentionMask: ids([[1, 1, 1, 0], [1, 1, 1, 1]]) };
        const labels = tf.tensor1d([2, 0], 'int32');
        const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy((clf.forward(x) as { logits: tf.Tensor }).logits, labels) as tf.Scalar);
        const out = [...(await values(value))];
        for (const g of Object.values(grads)) out.push(...(await values(g)));
        tf.dispose([value, ...Object.values(grads), x.inputIds, x.attentionMask, labels]);
        return out;
      } finally {
        clf.dispose();
      }
    },
  },
  {
    name: 'GPT KV-cache decoding: a prompt into the cache, one-token steps, then a plain forward over a window',
    tolerance: 1e-5,
    why: 'logits of a tiny model in eval mode',
    async run() {
      const gpt = new GPT({ vocabSize: 24, nPositions: 16, nEmbd: 16, nLayer: 2, nHead: 2, seed: 5 });
      gpt.eval();
      try {
        const out: number[] = [];
        const cache = gpt.createCache();
        let next = [3, 7, 1, 9];
        for (let step = 0; step < 3; step++) {
          const row = tf.tidy(() => {
            const { logits } = gpt.forward({ inputIds: tf.tensor2d(next, [1, next.length], 'int32'), cache });
            return tf.reshape(tf.slice(logits, [0, next.length - 1, 0], [1, 1, -1]), [-1]);
          });
          const v = await values(row);
          row.dispose();
          out.push(...v);
          next = [v.indexOf(Math.max(...v))];
        }
        cache.dispose();
        const window = tf.tidy(() => gpt.forward({ inputIds: ids([[1, 2, 3, 4, 5]]) }).logits);
        out.push(...(await values(window)));
        window.dispose();
        return out;
      } finally {
        gpt.dispose();
      }
    },
  },
  {
    name: "@llmkit/eval's generate: two left-padded prompts, greedy, then seeded top-k/top-p sampling",
    tolerance: 0,
    why: 'token ids (the logits agree within 1e-5, far from a tie)',
    async run() {
      const gpt = new GPT({ vocabSize: 24, nPositions: 16, nEmbd: 16, nLayer: 2, nHead: 2, seed: 6 });
      try {
        const greedy = await evalPkg.generate(gpt, [[3, 7, 1, 9], [5, 2]], { maxNewTokens: 4, eosTokenId: null, padTokenId: 0 });
        const sampled = await evalPkg.generate(gpt, [[3, 7, 1, 9], [5, 2]], { maxNewTokens: 4, eosTokenId: null, padTokenId: 0, topK: 5, topP: 0.9, temperature: 0.8, seed: 1 });
        return [...greedy.tokens.flat(), ...sampled.tokens.flat()];
      } finally {
        gpt.dispose();
      }
    },
  },
  ...compositeOpRunners.map(
    (runner): Workload => ({
      name: `composite ${runner.name}: forward and backward (core's default on cpu, the cuda override or default on cuda)`,
      tolerance: 1e-5,
      why: 'one small op and its gradient',
      async run() {
        const { xs, others } = runner.make(new Rng(11), 2);
        const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => runner.loss(args, others))(xs);
        const out = [...(await values(value))];
        for (const g of grads) out.push(...(await values(g)));
        tf.dispose([value, ...grads, ...xs, ...others]);
        return out;
      },
    }),
  ),
];

describe("kernel coverage: every llmkit workload runs on 'cuda' (CPU double) with tfjs-cpu's numbers", () => {
  const cpuDefaults: Backend = { ...cpuBackend, name: 'cpu-defaults', kernels: [] };
  let cuda: Backend;
  const recorded = new Map<string, Set<string>>();

  beforeAll(async () => {
    trainer = await load<TrainerModule>('@llmkit/trainer');
    evalPkg = await load<EvalModule>('@llmkit/eval');
    cuda = testCudaBackend({ name: 'cuda-test' });
    await useBackend(cuda); // registers the 'cuda' kernels, for the coverage check
  });

  for (const w of workloads) {
    it(`${w.name} (within ${w.tolerance}: ${w.why})`, async () => {
      await useBackend(cpuDefaults);
      const names = new Set<string>();
      let before = tf.memory().numTensors;
      const expected = await recordKernels(names, () => w.run());
      // testkit's composite runners leave one input-building intermediate behind on every backend.
      const cpuLeft = tf.memory().numTensors - before;
      recorded.set(w.name, names);
      await useBackend(cuda);
      before = tf.memory().numTensors;
      const got = await w.run();
      expect(tf.memory().numTensors - before, 'tensors left behind on cuda, as many as on cpu').toBe(cpuLeft);
      expect(cpuLeft).toBeLessThanOrEqual(1);
      expect(got.length).toBe(expected.length);
      expect(got.every(Number.isFinite)).toBe(true);
      const diff = got.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]!)), 0);
      expect(diff, `largest |cuda - cpu| over ${got.length} numbers`).toBeLessThanOrEqual(w.tolerance);
    });
  }

  it('every tfjs kernel the workloads ran on cpu has a cuda kernel', () => {
    const all = new Set([...recorded.values()].flatMap((s) => [...s]));
    const missing = missingKernels(all, 'cuda');
    const where = missing.map((n) => `${n} (used by: ${[...recorded].filter(([, s]) => s.has(n)).map(([w]) => w).join('; ')})`);
    expect(missing, `kernels with no cuda implementation:\n  ${where.join('\n  ')}`).toEqual([]);
    expect(recorded.size, 'every workload was recorded').toBe(workloads.length);
    for (const n of ['BatchMatMul', 'GatherV2', 'Sum', 'Exp']) expect(all).toContain(n);
  });
});
