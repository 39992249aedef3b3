// Encoder-decoder generation equals transformers' generate() token for token on marian-tiny: a random
// MarianMTModel whose weights scripts/generate_seq2seq_fixtures.py stored in EncoderDecoder's format
// (fixtures/seq2seq.json: transformers 5.18, torch 2.13). Logits within 1e-4; beam scores (HF's
// sequences_scores) within 1e-4.
import '@llmkit/backend-cpu';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@llmkit/core';
import { EncoderDecoder } from '@llmkit/layers';
import { beamSearchSeq2Seq, generateSeq2Seq, type BeamSearchOptions, type GenerateOptions } from '../src/index.js';
import { loadJson } from './fixtures.js';

const fixture = loadJson('seq2seq.json');
const EOS = 13;
const START = 0;

/** HF's row without the start token, cut after the first eos (HF pads finished rows). */
function newTokens(row: number[]): number[] {
  const rest = row.slice(1);
  const eos = rest.indexOf(EOS);
  return eos < 0 ? rest : rest.slice(0, eos + 1);
}

/** HF's generation option names to ours. */
function options(o: Record<string, unknown>): GenerateOptions & BeamSearchOptions {
  const map: Record<string, string> = { num_beams: 'numBeams', num_return_sequences: 'numReturnSequences', length_penalty: 'lengthPenalty', early_stopping: 'earlyStopping', repetition_penalty: 'repetitionPenalty', no_repeat_ngram_size: 'noRepeatNgramSize' };
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [map[k] ?? k, v]));
}

describe('encoder-decoder generation equals transformers on marian-tiny', () => {
  let model: EncoderDecoder;
  beforeAll(async () => {
    await useBackend('cpu');
    model = await EncoderDecoder.load(fileURLToPath(new URL('../fixtures/marian-tiny/', import.meta.url)));
    model.eval();
  });
  afterAll(() => model?.dispose());

  it('logits of a padded batch equal MarianMTModel within 1e-4 (the permuted layout is the same model)', () => {
    const sources: number[][] = fixture.sources;
    const width = Math.max(...sources.map((s) => s.length));
    const logits = tf.tidy(() => {
      const { logits } = model.forward({
        inputIds: tf.tensor2d(sources.map((s) => [...s, ...new Array<number>(width - s.length).fill(0)]), undefined, 'int32'),
        attentionMask: tf.tensor2d(sources.map((s) => [...s.map(() => 1), ...new Array<number>(width - s.length).fill(0)]), undefined, 'int32'),
        decoderInputIds: tf.tensor2d(sources.map(() => fixture.decoderInput), undefined, 'int32'),
      });
      return logits.arraySync() as number[][][];
    });
    let max = 0;
    logits.forEach((b, i) => b.forEach((row, t) => row.forEach((v, k) => (max = Math.max(max, Math.abs(v - fixture.logits[i][t][k]))))));
    expect(max).toBeLessThan(1e-4);
  });

  for (const c of fixture.cases) {
    it(c.name, async () => {
      const o = options(c.options);
      if ((o.numBeams ?? 1) === 1) {
        const { numBeams: _, ...rest } = o;
        const r = await generateSeq2Seq(model, fixture.sources, { ...rest, maxNewTokens: 8, decoderStartTokenId: START });
        expect(r.tokens).toEqual(c.sequences.map(newTokens));
        return;
      }
      const beams = await beamSearchSeq2Seq(model, fixture.sources, { ...o, maxNewTokens: 8, decoderStartTokenId: START });
      const n = o.numReturnSequences ?? 1;
      const flat = beams.flatMap((b) => b);
      expect(beams.every((b) => b.length === n)).toBe(true);
      expect(flat.map((b) => b.tokens)).toEqual(c.sequences.map(newTokens));
      flat.forEach((b, i) => expect(Math.abs(b.score - c.scores[i])).toBeLessThan(1e-4));
    });
  }
});
