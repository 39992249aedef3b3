// The reference GPT-2 encoders (js-tiktoken's ranks) and our tokenizer built from the same ranks,
// loaded once per test file.
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import { Tiktoken } from 'js-tiktoken/lite';
import { fromTiktokenRanks } from '../src/index.js';
import type { Tokenizer } from '../src/index.js';

let cached: { ours: Tokenizer; reference: Tiktoken } | undefined;

export function gpt2(): { ours: Tokenizer; reference: Tiktoken } {
  cached ??= { ours: fromTiktokenRanks(gpt2Ranks), reference: new Tiktoken(gpt2Ranks) };
  return cached;
}
