// GPT against HF transformers' GPT2LMHeadModel (fixture: testkit/fixtures/models/gpt2-tiny, an odd
// config: n_embd 36, 3 heads of 12, vocab 97, 2 layers, right-padded batch). The PyTorch-written
// checkpoint is loaded as is, on the cpu and wasm backends.
import '@llmkit/backend-cpu';
import '@llmkit/backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { softmaxCrossEntropy, tf, useBackend } from '@llmkit/core';
import { GPT } from '../src/index.js';
import { expectMatches, input, loadReference, MODELS_DIR } from './reference.js';

const ref = loadReference('gpt2-tiny');
// fp32 throughout. Logits and the loss pass through 2 blocks of matmuls, softmax, LayerNorm and
// GELU whose float32 rounding differs from PyTorch's (different summation orders and erf/tanh
// implementations): observed max abs error ~1e-6 on logits of magnitude ~5.
const LOGITS = { rtol: 1e-4, atol: 2e-5 };
const LOSS = { rtol: 1e-5, atol: 1e-6 };
// Gradients (magnitudes up to ~0.1) accumulate over every position and both layers; observed max
// abs error ~4e-7 on cpu and wasm. rtol 1e-4 leaves room for other summation orders (threads).
const GRADS = { rtol: 1e-4, atol: 2e-6 };

/** The causal LM loss as HF computes it: logits at t predict the label at t + 1. */
function clmLoss(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const [b, t, v] = logits.shape as [number, number, number];
  const shifted = tf.slice(logits, [0, 0, 0], [b, t - 1, v]);
  const targets = tf.slice(labels, [0, 1], [b, t - 1]);
  return softmaxCrossEntropy(shifted, targets, { ignoreIndex: -100 });
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`GPT vs HF GPT2LMHeadModel (transformers ${ref.meta.transformers}, torch ${ref.meta.torch}) on ${backend}`, () => {
    let model: GPT;
    beforeAll(async () => {
      await useBackend(backend);
      model = await GPT.load(`${MODELS_DIR}gpt2-tiny`);
    });
    afterAll(() => model?.dispose());

    it(`logits (rtol ${LOGITS.rtol}, atol ${LOGITS.atol})`, () => {
      tf.tidy(() => {
        const { logits } = model.forward({ inputIds: input(ref, 'input_ids'), attentionMask: input(ref, 'attention_mask') });
        const err = expectMatches(logits, ref.outputs.logits!, LOGITS, 'logits');
        console.log(`[${backend}] gpt2-tiny logits: max abs error ${err.toExponential(2)}`);
      });
    });

    it(`CLM loss (rtol ${LOSS.rtol}) and the gradient of every parameter (rtol ${GRADS.rtol}, atol ${GRADS.atol})`, () => {
      tf.tidy(() => {
        const ids = input(ref, 'input_ids');
        const mask = input(ref, 'attention_mask');
        const labels = input(ref, 'labels');
        const params = model.namedParameters();
        const { value, grads } = tf.variableGrads(
          () => clmLoss(model.forward({ inputIds: ids, attentionMask: mask }).logits, labels) as tf.Scalar,
          params.map(([, v]) => v),
        );
        const lossErr = expectMatches(value, ref.outputs.loss!, LOSS, 'loss');
        expect(params.map(([name]) => name).sort()).toEqual(Object.keys(ref.grads).sort());
        let worst = { name: '', err: 0 };
        for (const [name, variable] of params) {
          const err = expectMatches(grads[variable.name]!, ref.grads[name]!, GRADS, `gradient of ${name}`);
          if (err >= worst.err) worst = { name, err };
        }
        console.log(`[${backend}] gpt2-tiny loss error ${lossErr.toExponential(2)}; worst gradient ${worst.name}: max abs error ${worst.err.toExponential(2)}`);
      });
    });
  });
}
