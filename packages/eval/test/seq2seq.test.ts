// Generation from an encoder's output (layers' EncoderDecoder): fast-check properties (fixed seed)
// that cached greedy decoding equals recomputing the whole decoder prefix at every step, that beam
// search's scores equal recomputed log-probabilities (so its reordered self and cross attention
// caches hold the right rows), that a padded batch equals each source alone; typed errors; no leaks.
import '@llmkit/backend-cpu';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, tf, useBackend } from '@llmkit/core';
import { EncoderDecoder } from '@llmkit/layers';
import { beamSearchSeq2Seq, generateSeq2Seq } from '../src/index.js';

const V = 23;
const START = 1;
const EOS = 2;

/** Log-probabilities [T, V] of the decoder over `prefix` for one source, with no cache. */
function logProbs(model: EncoderDecoder, source: number[], prefix: number[]): number[][] {
  return tf.tidy(() => {
    const { logits } = model.forward({ inputIds: tf.tensor2d([source], undefined, 'int32'), decoderInputIds: tf.tensor2d([prefix], undefined, 'int32') });
    return (tf.logSoftmax(logits).arraySync() as number[][][])[0]!;
  });
}

describe('encoder-decoder generation', () => {
  let model: EncoderDecoder;
  beforeAll(async () => {
    await useBackend('cpu');
    model = new EncoderDecoder({ vocabSize: V, dModel: 16, encoderLayers: 2, decoderLayers: 2, attentionHeads: 2, ffnDim: 32, maxPositionEmbeddings: 32, padTokenId: 0, bosTokenId: START, eosTokenId: EOS, seed: 3 });
    model.eval(); // the uncached references run without dropout, as generation does
  });
  afterAll(() => model?.dispose());

  const source = fc.array(fc.integer({ min: 3, max: V - 1 }), { minLength: 1, maxLength: 9 });

  it('greedy decoding with the cache equals recomputing the whole decoder prefix at every step (argmax of uncached logits)', async () => {
    await fc.assert(
      fc.asyncProperty(source, fc.integer({ min: 1, max: 8 }), async (src, maxNewTokens) => {
        const { tokens, sequences, finishReasons } = await generateSeq2Seq(model, [src], { maxNewTokens });
        const prefix = [START];
        for (let i = 0; i < maxNewTokens; i++) {
          const row = logProbs(model, src, prefix).at(-1)!;
          const next = row.indexOf(Math.max(...row));
          prefix.push(next);
          if (next === EOS) break;
        }
        expect(sequences[0]).toEqual(prefix);
        expect(tokens[0]).toEqual(prefix.slice(1));
        expect(finishReasons[0]).toBe(prefix.at(-1) === EOS ? 'stop' : 'length');
      }),
      { seed: 14, numRuns: 12 },
    );
  });

  it('beam search: every returned beam scores sum(log p) / length as recomputed without the cache (1e-4), best first', async () => {
    await fc.assert(
      fc.asyncProperty(source, fc.integer({ min: 2, max: 4 }), fc.constantFrom(0.5, 1, 2), async (src, numBeams, lengthPenalty) => {
        const [beams] = await beamSearchSeq2Seq(model, [src], { numBeams, numReturnSequences: numBeams, maxNewTokens: 5, lengthPenalty, earlyStopping: 'never' });
        expect(beams).toHaveLength(numBeams);
        for (const beam of beams!) {
          const prefix = [START, ...beam.tokens];
          const rows = logProbs(model, src, prefix.slice(0, -1));
          const sum = beam.tokens.reduce((s, token, i) => s + rows[i]![token]!, 0);
          expect(Math.abs(beam.score - sum / beam.tokens.length ** lengthPenalty)).toBeLessThan(1e-4);
        }
        for (let i = 1; i < beams!.length; i++) expect(beams![i]!.score).toBeLessThanOrEqual(beams![i - 1]!.score);
      }),
      { seed: 14, numRuns: 10 },
    );
  });

  it('one beam is greedy search', async () => {
    await fc.assert(
      fc.asyncProperty(source, async (src) => {
        const beam = (await beamSearchSeq2Seq(model, [src], { numBeams: 1, maxNewTokens: 6 }))[0]![0]!;
        expect(beam.tokens).toEqual((await generateSeq2Seq(model, [src], { maxNewTokens: 6 })).tokens[0]);
      }),
      { seed: 14, numRuns: 8 },
    );
  });

  it('a right-padded batch of sources of different lengths gives each source what it gives alone (greedy and beam)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(source, { minLength: 2, maxLength: 3 }), async (sources) => {
        const batch = await generateSeq2Seq(model, sources, { maxNewTokens: 5 });
        const beams = await beamSearchSeq2Seq(model, sources, { numBeams: 3, maxNewTokens: 4 });
        for (let i = 0; i < sources.length; i++) {
          expect(batch.tokens[i]).toEqual((await generateSeq2Seq(model, [sources[i]!], { maxNewTokens: 5 })).tokens[0]);
          const [alone] = await beamSearchSeq2Seq(model, [sources[i]!], { numBeams: 3, maxNewTokens: 4 });
          expect(beams[i]![0]!.tokens).toEqual(alone![0]!.tokens);
          expect(Math.abs(beams[i]![0]!.score - alone![0]!.score)).toBeLessThan(1e-4);
        }
      }),
      { seed: 14, numRuns: 6 },
    );
  });

  it('leaves no tensors behind; restores training mode', async () => {
    model.train();
    const before = tf.memory().numTensors;
    await generateSeq2Seq(model, [[5, 6, 7]], { maxNewTokens: 4, topK: 5, seed: 1 });
    await beamSearchSeq2Seq(model, [[5, 6, 7], [8]], { numBeams: 2, maxNewTokens: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(model.training).toBe(true);
    model.eval();
  });

  it('bad input: typed errors naming the option', async () => {
    const noIds = new EncoderDecoder({ vocabSize: V, dModel: 8, encoderLayers: 1, decoderLayers: 1, attentionHeads: 2, ffnDim: 8, maxPositionEmbeddings: 8 });
    await expect(generateSeq2Seq(noIds, [[3]])).rejects.toThrow(/'decoderStartTokenId' is required; the model has no bos or pad token id/);
    await expect(generateSeq2Seq(noIds, [[3]], { decoderStartTokenId: V })).rejects.toThrow(new RegExp(`'decoderStartTokenId' must be an integer in \\[0, ${V}\\); got ${V}`));
    await expect(generateSeq2Seq(noIds, [new Array(9).fill(3)], { decoderStartTokenId: 0 })).rejects.toThrow(/a source has 9 tokens; the model's maxPositionEmbeddings is 8/);
    await expect(beamSearchSeq2Seq(noIds, [[3]], { decoderStartTokenId: 0, numBeams: 0 })).rejects.toThrow(ConfigError);
    await expect(generateSeq2Seq(noIds, [[3]], { decoderStartTokenId: 0, maxNewTokens: 8 })).rejects.toThrow(ConfigError); // 1 + 8 > 8 positions
    noIds.dispose();
  });
});
