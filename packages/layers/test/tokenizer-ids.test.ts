// Vocabulary size and special-token ids flow from a tokenizer (`tokenizer.tokenIds()`) into model
// configs in one call; an id outside [0, vocabSize) is a ConfigError naming the field, whether it
// comes from the tokenizer, a config object or config.json.
import '@llmkit/backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, tf, useBackend } from '@llmkit/core';
import { BERT, BertModel, EncoderDecoder, GPT, GPTModel, readTokenizerIds, type TokenizerIds } from '../src/index.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const TINY_GPT = { nPositions: 8, nEmbd: 8, nLayer: 1, nHead: 2 };
const TINY_BERT = { hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 8, maxPositionEmbeddings: 8 };
const TINY_SEQ2SEQ = { dModel: 8, encoderLayers: 1, decoderLayers: 1, attentionHeads: 2, ffnDim: 8, maxPositionEmbeddings: 8 };

function configError(run: () => { dispose(): void }): string {
  try {
    run().dispose();
  } catch (e) {
    expect(ConfigError.isInstance(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('fromTokenizer', () => {
  it('GPT: vocabSize and bos/eos/pad from the ids; ids the tokenizer lacks are null, not 50256', () => {
    const gpt = GPT.fromTokenizer({ vocabSize: 55 }, TINY_GPT);
    expect(gpt.config).toMatchObject({ vocabSize: 55, bosTokenId: null, eosTokenId: null, padTokenId: null, nEmbd: 8 });
    expect(gpt.hfConfig()).toMatchObject({ vocab_size: 55, bos_token_id: null, eos_token_id: null, pad_token_id: null });
    gpt.dispose();
    const withEos = GPT.fromTokenizer({ vocabSize: 60, eosTokenId: 59, bosTokenId: 59, padTokenId: 3, clsTokenId: 1 }, TINY_GPT);
    expect(withEos.config).toMatchObject({ vocabSize: 60, bosTokenId: 59, eosTokenId: 59, padTokenId: 3 });
    withEos.dispose();
    const body = GPTModel.fromTokenizer({ vocabSize: 30, eosTokenId: 2 }, TINY_GPT);
    expect(body.config.eosTokenId).toBe(2);
    body.dispose();
  });

  it('BERT: padTokenId is the tokenizer’s [PAD] (3 for a WordPiece trained here), null without one, never 0 by default', () => {
    const bert = BERT.fromTokenizer({ vocabSize: 40, unkTokenId: 0, padTokenId: 3, clsTokenId: 1, sepTokenId: 2, maskTokenId: 4 }, TINY_BERT);
    expect(bert.config).toMatchObject({ vocabSize: 40, padTokenId: 3 });
    bert.dispose();
    const none = BertModel.fromTokenizer({ vocabSize: 40 }, TINY_BERT);
    expect(none.config.padTokenId).toBe(null);
    none.dispose();
    const plain = new BERT({ vocabSize: 40, ...TINY_BERT });
    expect(plain.config.padTokenId).toBe(null);
    plain.dispose();
  });

  it('EncoderDecoder: vocabSize and pad/bos/eos, written to config.json and read back', () => {
    const model = EncoderDecoder.fromTokenizer({ vocabSize: 20, padTokenId: 0, bosTokenId: 1, eosTokenId: 2 }, TINY_SEQ2SEQ);
    expect(model.hfConfig()).toMatchObject({ vocab_size: 20, pad_token_id: 0, bos_token_id: 1, eos_token_id: 2 });
    const again = EncoderDecoder.fromPretrained(model.hfConfig(), Object.fromEntries(model.stateDict()));
    expect(again.config).toMatchObject({ padTokenId: 0, bosTokenId: 1, eosTokenId: 2 });
    again.dispose();
    model.dispose();
  });

  it('ids outside [0, vocabSize) are ConfigErrors naming the field, from the tokenizer or a config', () => {
    expect(configError(() => GPT.fromTokenizer({ vocabSize: 55, eosTokenId: 55 }, TINY_GPT))).toBe("GPT.fromTokenizer: 'ids.eosTokenId' must be a token id in [0, vocabSize = 55); got 55");
    expect(configError(() => BERT.fromTokenizer({ vocabSize: 40, padTokenId: -1 }, TINY_BERT))).toBe("BERT.fromTokenizer: 'ids.padTokenId' must be a token id in [0, vocabSize = 40); got -1");
    expect(configError(() => EncoderDecoder.fromTokenizer({ vocabSize: 0 }, TINY_SEQ2SEQ))).toBe("EncoderDecoder.fromTokenizer: 'ids.vocabSize' must be a positive integer; got 0");
    expect(configError(() => GPT.fromTokenizer(null as never))).toContain("'ids' must be the object tokenizer.tokenIds() returns");
    expect(configError(() => new GPT({ vocabSize: 55, bosTokenId: 50256, ...TINY_GPT }))).toBe("GPTConfig: 'bosTokenId' must be a token id in [0, vocabSize = 55); got 50256");
    expect(configError(() => new BERT({ vocabSize: 40, padTokenId: 40, ...TINY_BERT }))).toBe("BERTConfig: 'padTokenId' must be a token id in [0, vocabSize = 40); got 40");
    expect(configError(() => new EncoderDecoder({ vocabSize: 20, eosTokenId: 2.5, ...TINY_SEQ2SEQ }))).toContain("'eosTokenId' must be a non-negative integer; got 2.5");
  });

  it('readTokenizerIds: every id in [0, vocabSize) is kept, every other value rejected naming its field (property)', () => {
    const keys = ['padTokenId', 'unkTokenId', 'bosTokenId', 'eosTokenId', 'clsTokenId', 'sepTokenId', 'maskTokenId'] as const;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(...keys), fc.oneof(fc.integer({ min: -5, max: 1100 }), fc.constantFrom<unknown>(1.5, '3', NaN, null, undefined)), (vocabSize, key, id) => {
        const ids = { vocabSize, [key]: id } as TokenizerIds;
        const valid = id === null || id === undefined || (Number.isInteger(id) && (id as number) >= 0 && (id as number) < vocabSize);
        if (valid) expect(readTokenizerIds('t', ids)[key]).toBe(id ?? null);
        else expect(() => readTokenizerIds('t', ids)).toThrow(`'ids.${key}' must be a token id in [0, vocabSize = ${vocabSize})`);
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
