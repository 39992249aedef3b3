// BERT against HF transformers' BertForPreTraining (fixture: testkit/fixtures/models/bert-tiny, an
// odd config: hidden 30, 3 heads of 10, intermediate 50, vocab 97, 2 layers, right-padded batch
// with token types and a fixed MLM mask). The PyTorch-written checkpoint is loaded as is, on the
// cpu and wasm backends.
import '@llmkit/backend-cpu';
import '@llmkit/backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { softmaxCrossEntropy, tf, useBackend } from '@llmkit/core';
import { BERT } from '../src/index.js';
import { expectMatches, input, loadReference, MODELS_DIR } from './reference.js';

const ref = loadReference('bert-tiny');
// fp32 throughout, the same tolerances as gpt-fidelity.test.ts. Observed max abs errors: logits
// ~5e-6, losses ~4e-7 (wasm), gradients ~6e-7 (BERT's LayerNorm epsilon 1e-12 divides by the raw std).
const LOGITS = { rtol: 1e-4, atol: 2e-5 };
const LOSS = { rtol: 1e-5, atol: 1e-6 };
const GRADS = { rtol: 1e-4, atol: 2e-6 };

function inputs() {
  return { inputIds: input(ref, 'input_ids'), attentionMask: input(ref, 'attention_mask'), tokenTypeIds: input(ref, 'token_type_ids') };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`BERT vs HF BertForPreTraining (transformers ${ref.meta.transformers}, torch ${ref.meta.torch}) on ${backend}`, () => {
    let model: BERT;
    beforeAll(async () => {
      await useBackend(backend);
      model = await BERT.load(`${MODELS_DIR}bert-tiny`);
    });
    afterAll(() => model?.dispose());

    it(`MLM and sentence logits (rtol ${LOGITS.rtol}, atol ${LOGITS.atol})`, () => {
      tf.tidy(() => {
        const out = model.forward(inputs());
        const e1 = expectMatches(out.logits, ref.outputs.prediction_logits!, LOGITS, 'prediction logits');
        const e2 = expectMatches(out.seqRelationshipLogits, ref.outputs.seq_relationship_logits!, LOGITS, 'seq_relationship logits');
        console.log(`[${backend}] bert-tiny logits: max abs error MLM ${e1.toExponential(2)}, sentence ${e2.toExponential(2)}`);
      });
    });

    it(`MLM + sentence loss (rtol ${LOSS.rtol}) and the gradient of every parameter (rtol ${GRADS.rtol}, atol ${GRADS.atol})`, () => {
      tf.tidy(() => {
        const x = inputs();
        const labels = input(ref, 'labels');
        const sentence = input(ref, 'next_sentence_label');
        const params = model.namedParameters();
        let mlm: tf.Tensor | undefined;
        let sop: tf.Tensor | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const out = model.forward(x);
          mlm = tf.keep(softmaxCrossEntropy(out.logits, labels));
          sop = tf.keep(softmaxCrossEntropy(out.seqRelationshipLogits, sentence));
          return tf.add(mlm, sop) as tf.Scalar;
        }, params.map(([, v]) => v));
        expectMatches(mlm!, ref.outputs.mlm_loss!, LOSS, 'MLM loss');
        expectMatches(sop!, ref.outputs.sentence_loss!, LOSS, 'sentence loss');
        const lossErr = expectMatches(value, ref.outputs.loss!, LOSS, 'loss');
        tf.dispose([mlm!, sop!]);
        expect(params.map(([name]) => name).sort()).toEqual(Object.keys(ref.grads).sort());
        let worst = { name: '', err: 0 };
        for (const [name, variable] of params) {
          const err = expectMatches(grads[variable.name]!, ref.grads[name]!, GRADS, `gradient of ${name}`);
          if (err >= worst.err) worst = { name, err };
        }
        console.log(`[${backend}] bert-tiny loss error ${lossErr.toExponential(2)}; worst gradient ${worst.name}: max abs error ${worst.err.toExponential(2)}`);
      });
    });
  });
}
