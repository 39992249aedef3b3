// llmkit rejects every config.json that transformers rejects: the fixture configs with one field
// set to a value (fixtures/hf-configs/config_mutations.py recorded what transformers 5.18 does when
// it builds the config and the model). Where llmkit is stricter, the reason is listed here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LlmkitError } from '@llmkit/core';
import { bertConfigFromHF, gptConfigFromHF, type HFConfig } from '../src/index.js';
import { MODELS_DIR } from './reference.js';

interface Case {
  model: 'gpt2-tiny' | 'bert-tiny';
  key: string;
  value: unknown;
  transformers: string;
}
const { transformers, cases } = JSON.parse(readFileSync(new URL('./fixtures/hf-configs/config-mutations.json', import.meta.url), 'utf8')) as { transformers: string; cases: Case[] };
const fromHF = { 'gpt2-tiny': gptConfigFromHF, 'bert-tiny': bertConfigFromHF };
const base = (model: Case['model']) => JSON.parse(readFileSync(join(MODELS_DIR, model, 'config.json'), 'utf8')) as HFConfig;

/** llmkit's answer: 'accept', or the error's message. Anything but an llmkit error fails the test. */
function llmkit(c: Case): string {
  try {
    fromHF[c.model]({ ...base(c.model), [c.key]: c.value });
    return 'accept';
  } catch (e) {
    expect(LlmkitError.isInstance(e), `${c.model} ${c.key}=${JSON.stringify(c.value)}: ${String(e)}`).toBe(true);
    return (e as Error).message;
  }
}

/**
 * A float field (one where transformers accepts 2.5) given an integer: Python's JSON keeps `3` and
 * `3.0` apart and transformers rejects the int, but JSON.parse gives the same number for both, so
 * llmkit cannot tell them apart and accepts both.
 */
const floatFields = new Set(cases.filter((c) => c.value === 2.5 && c.transformers === 'accept').map((c) => `${c.model} ${c.key}`));
const indistinguishable = (c: Case) => Number.isInteger(c.value) && floatFields.has(`${c.model} ${c.key}`);

/** Where llmkit rejects what transformers accepts: the message it gives, and why. */
const STRICTER: [RegExp, string][] = [
  [/must be an integer in \[1, \d+\]; got (0|-1)$/, 'a size of 0 or less builds an empty or invalid model (transformers builds it, or fails later)'],
  [/'(bos|eos|pad)_token_id' must be a non-negative integer; got -1$/, 'an id must index the vocabulary'],
  [/'(bos|eos|pad)_token_id' must be a token id in \[0, vocab_size = 3\); got \d+$/, 'ids stay inside the vocabulary when it shrinks'],
  [/'eos_token_id' must be (a non-negative integer|an integer or null); got an array of 0$/, 'one eos id only (transformers also takes a list, for generation)'],
  [/\(the only setting implemented\); got (true|false)$/, 'GPT-2 variants this model does not implement'],
  [/'is_decoder' must be false \(BERT here is an encoder\); got true$/, 'transformers builds a causal decoder; this BERT is an encoder'],
  [/'tie_word_embeddings' must be true \(the MLM decoder here is the word embeddings\); got false$/, 'the MLM decoder is always tied here'],
];

describe(`config.json parity with transformers ${transformers}`, () => {
  it(`rejects every mutated config that transformers rejects (${cases.filter((c) => c.transformers !== 'accept').length} of ${cases.length})`, () => {
    const missed = cases
      .filter((c) => c.transformers !== 'accept' && !indistinguishable(c) && llmkit(c) === 'accept')
      .map((c) => `${c.model} ${c.key}=${JSON.stringify(c.value)}`);
    expect(missed).toEqual([]);
    // The exception above covers only integers in float fields.
    expect(cases.filter((c) => c.transformers !== 'accept' && indistinguishable(c) && llmkit(c) === 'accept').map((c) => c.key).sort()).toEqual([
      'initializer_range', 'initializer_range', 'layer_norm_eps', 'layer_norm_epsilon',
    ]);
  });

  it('rejects what transformers accepts only for a reason listed here', () => {
    const unexplained = cases
      .filter((c) => c.transformers === 'accept')
      .map((c) => ({ c, message: llmkit(c) }))
      .filter(({ message }) => message !== 'accept' && !STRICTER.some(([pattern]) => pattern.test(message)))
      .map(({ c, message }) => `${c.model} ${c.key}=${JSON.stringify(c.value)}: ${message}`);
    expect(unexplained).toEqual([]);
  });
});
