// The objective and the data are typed together: Trainer<B> takes an Objective<B> and batches of B,
// so segment pairs given to CausalLM do not compile (the @ts-expect-error lines below are checked
// by `tsc --noEmit -p packages/trainer`: each fails the typecheck if its line compiles), and at run
// time the objective's error names the data builder that makes the batches it takes.
import '@llmkit/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, useBackend } from '@llmkit/core';
import { CausalLM, MaskedLM, SentenceOrder, combine, type Objective, type SentencePairBatch, type TokenBatch } from '@llmkit/objectives';
import { Trainer, packedBlocks, segmentPairs, textFiles } from '../src/index.js';
import { codePoints } from './data-helpers.js';
import { tinyGPT } from './trainer-helpers.js';

const pairs: SentencePairBatch = { pairs: [{ a: [5, 6, 7], b: [8, 9] }] };
const rows: TokenBatch = { batchSize: 1, length: 4, inputIds: [5, 6, 7, 8] };

/** Never called: only type-checked. */
export function typeChecks(model: ReturnType<typeof tinyGPT>): void {
  const source = textFiles('corpus.txt');
  const blocks = packedBlocks({ source, tokenizer: codePoints, blockSize: 9, batchSize: 2 });
  const segments = segmentPairs({ source, tokenizer: codePoints, maxLength: 16, batchSize: 2 });
  const sopMlm = combine([new SentenceOrder({ clsTokenId: 1, sepTokenId: 2 }), new MaskedLM({ vocabSize: 32, maskTokenId: 3 })]);

  // Matching pairs compile.
  new Trainer({ model, objective: new CausalLM(), data: blocks, evalData: blocks });
  new Trainer({ model, objective: new MaskedLM({ vocabSize: 32, maskTokenId: 3 }), data: blocks });
  new Trainer({ model, objective: sopMlm, data: segments, evalData: () => segments });
  void new Trainer({ model, objective: new CausalLM() }).step(rows);

  // @ts-expect-error segment pairs are not CausalLM's data
  new Trainer({ model, objective: new CausalLM(), data: segments });
  // @ts-expect-error nor its evaluation data
  new Trainer({ model, objective: new CausalLM(), evalData: [pairs] });
  // @ts-expect-error token rows are not SentenceOrder's (nor MLM + SOP's) data
  new Trainer({ model, objective: sopMlm, data: blocks });
  // @ts-expect-error step() takes the objective's batch
  void new Trainer({ model, objective: new CausalLM() }).step(pairs);

  // An objective that needs more than every TokenBatch has is not an objective of plain TokenBatches
  // (Objective's `prepare` is checked contravariantly; as a method it would be bivariant and compile).
  const mlm = new MaskedLM({ vocabSize: 32, maskTokenId: 3, wholeWordMask: true });
  const wholeWord: Objective<TokenBatch & { readonly wordIds: ArrayLike<number> }> = { name: 'wwm', prepare: (batch, rng) => mlm.prepare(batch, rng), loss: (o, p) => mlm.loss(o, p), getConfig: () => mlm.getConfig() };
  // @ts-expect-error rows without word ids
  new Trainer<TokenBatch>({ model, objective: wholeWord, data: blocks });
}

describe('objective and data pairing at run time', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('segment pairs given to CausalLM (past the types) fail with a ConfigError that names packedBlocks', async () => {
    const model = tinyGPT();
    const trainer = new Trainer({ model, objective: new CausalLM(), log: false });
    const error = await trainer.step(pairs as never).catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      "CausalLM.prepare: 'batch' is segment pairs { pairs }, but this objective takes token rows { batchSize, length, inputIds }: build them with packedBlocks(...) (@llmkit/trainer) or tokenizer.encodeBatch(texts, { padding: true })",
    );
    expect(trainer.stepCount).toBe(0);
    model.dispose();
  });
});
