// Generation against HF transformers' generate on the HF-format GPT-2 checkpoint
// packages/testkit/fixtures/models/gpt2-tiny (fixtures/generation.json, written by
// scripts/generate_generation_fixtures.py with the transformers/torch versions in its meta):
// greedy and beam outputs token for token, beam scores to 1e-4 (float32 log-probabilities summed
// over up to 12 steps in another order), and the logits processors on fixed rows to 1e-6.
import '@llmkit/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { beamSearch, generate, MinP, NoRepeatNGram, RepetitionPenalty, Temperature, TopK, TopP, type LogitsProcessor } from '../src/index.js';
import { loadJson, MODELS_DIR } from './fixtures.js';

const ref = loadJson('generation.json');
const EOS = 96;

/** HF pads finished rows with the pad token (96 here); ours end at the stop token. */
function padTo(tokens: number[], length: number): number[] {
  return [...tokens, ...new Array<number>(length - tokens.length).fill(EOS)];
}

function hfOptions(kw: Record<string, unknown>) {
  return {
    repetitionPenalty: kw.repetition_penalty as number | undefined,
    noRepeatNgramSize: kw.no_repeat_ngram_size as number | undefined,
    eosTokenId: kw.eos_token_id as number | number[] | undefined,
    numBeams: kw.num_beams as number | undefined,
    numReturnSequences: kw.num_return_sequences as number | undefined,
    lengthPenalty: kw.length_penalty as number | undefined,
    earlyStopping: kw.early_stopping as boolean | 'never' | undefined,
  };
}

describe(`generation vs HF generate (transformers ${ref.meta.transformers}) on gpt2-tiny`, () => {
  let model: GPT;
  beforeAll(async () => {
    await useBackend('cpu');
    model = await GPT.load(`${MODELS_DIR}gpt2-tiny`);
  });
  afterAll(() => model?.dispose());

  for (const c of ref.greedy) {
    it(`greedy: ${c.name}`, async () => {
      const { numBeams: _, numReturnSequences: __, lengthPenalty: ___, earlyStopping: ____, ...o } = hfOptions(c.options);
      const before = tf.memory().numTensors;
      const r = await generate(model, c.prompts, { ...o, maxNewTokens: c.maxNewTokens, padTokenId: EOS });
      expect(tf.memory().numTensors).toBe(before);
      const width = c.sequences[0].length;
      expect(r.tokens.map((t) => padTo(t, width))).toEqual(c.sequences);
    });
  }

  for (const c of ref.beam) {
    it(`beam search: ${c.name}`, async () => {
      const before = tf.memory().numTensors;
      const beams = await beamSearch(model, c.prompts, { ...hfOptions(c.options), maxNewTokens: c.maxNewTokens, padTokenId: EOS });
      expect(tf.memory().numTensors).toBe(before);
      const flat = beams.flat();
      const width = c.sequences[0].length;
      expect(flat.map((b) => padTo(b.tokens, width))).toEqual(c.sequences);
      flat.forEach((b, i) => expect(Math.abs(b.score - c.scores[i])).toBeLessThan(1e-4));
    });
  }
});

describe(`logits processors vs transformers ${ref.meta.transformers}`, () => {
  const { scores, tokens, results } = ref.processors as { scores: number[][]; tokens: number[][]; results: Record<string, (number | null)[][]> };
  const make: Record<string, LogitsProcessor> = {
    'topK 5': new TopK(5),
    'topP 0.8': new TopP(0.8),
    'topP 0.3': new TopP(0.3),
    'minP 0.1': new MinP(0.1),
    'temperature 0.7': new Temperature(0.7),
    'repetitionPenalty 1.3': new RepetitionPenalty(1.3),
    'noRepeatNGram 2': new NoRepeatNGram(2),
    'noRepeatNGram 3': new NoRepeatNGram(3),
  };
  for (const [name, p] of Object.entries(make)) {
    it(`${name} (1e-6; removed tokens exactly)`, () => {
      scores.forEach((row, i) => {
        const s = Float32Array.from(row);
        p.process(s, tokens[i]!);
        results[name]![i]!.forEach((want, j) => {
          if (want === null) expect(s[j]).toBe(-Infinity);
          else expect(Math.abs(s[j]! - want)).toBeLessThan(1e-6);
        });
      });
    });
  }
});
