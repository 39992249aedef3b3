// Ids flow from a trained tokenizer into models, objectives and the Trainer, end to end: a WordPiece
// vocabulary trained with [PAD] at 3 → BERT + MLM + SOP (combined) → Trainer steps, with
// token-weighted accumulation of the combined objective; and a char-level GPT's saved config.json.
import '@llmkit/backend-cpu';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, Rng, tf, useBackend } from '@llmkit/core';
import { BERT, GPT } from '@llmkit/layers';
import { MaskedLM, SentenceOrder, combine, type HostTensor, type Objective, type Prepared, type SentencePairBatch } from '@llmkit/objectives';
import { CharTrainer, WordPieceTrainer, bertWordPiece, charLevel, type Tokenizer, type TokenizerIds } from '@llmkit/tokenizer';
import { AdamW, SGD, Trainer, type TrainerOptions } from '../src/index.js';
import { tempDir } from './trainer-helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const CORPUS = [
  'the cat sat on the mat.',
  'the dog sat on the log.',
  'a cat and a dog met on the road.',
  'the road was long and the night was cold.',
  'they walked home together under the stars.',
  'the stars were bright and the cat was tired.',
  'the dog slept by the fire until the morning.',
  'in the morning the cat chased the dog around the yard.',
];
// HF tokenizers' WordPieceTrainer order as a user might pass it: [PAD] is 3, [UNK] 0, so a default
// pad id of 0 would point at [UNK].
const SPECIALS = ['[UNK]', '[CLS]', '[SEP]', '[PAD]', '[MASK]'];
const SIZES = { hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 32, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0, seed: 5 };
const MAX_LENGTH = 24;

async function trainedWordPiece(): Promise<Tokenizer> {
  const tokenizer = bertWordPiece();
  await tokenizer.train(CORPUS, new WordPieceTrainer({ vocabSize: 120, specialTokens: SPECIALS }));
  return tokenizer;
}

/** Consecutive sentences as segment pairs, their tokens cut to `lengths` (so the token counts are known). */
function pairs(tokenizer: Tokenizer, from: number, lengths: readonly [number, number][]): SentencePairBatch {
  const tokens = (i: number) => Array.from(tokenizer.encode(CORPUS[i % CORPUS.length]!, null, { addSpecialTokens: false }).ids);
  return {
    pairs: lengths.map(([la, lb], k) => {
      const a = tokens(from + 2 * k).slice(0, la);
      const b = tokens(from + 2 * k + 1).slice(0, lb);
      if (a.length !== la || b.length !== lb) throw new Error(`test corpus: sentence too short for ${la}/${lb} tokens`);
      return { a, b };
    }),
  };
}

function objectives(ids: TokenizerIds, maskProbability: number, weights?: Record<string, number>) {
  return combine(
    [SentenceOrder.fromTokenizer(ids, { maxLength: MAX_LENGTH }), MaskedLM.fromTokenizer(ids, { maskProbability })],
    weights,
  );
}

describe('a trained WordPiece tokenizer configures BERT, MLM and SOP in one call each', () => {
  it("padTokenId is the tokenizer's [PAD] (3), not [UNK]: in BERT's config, its config.json, and SOP's padded rows", async () => {
    const tokenizer = await trainedWordPiece();
    const ids = tokenizer.tokenIds();
    const pad = tokenizer.tokenToId('[PAD]')!;
    expect(pad).toBe(3);
    expect(tokenizer.tokenToId('[UNK]')).toBe(0);
    expect(ids).toMatchObject({ vocabSize: tokenizer.getVocabSize(), padTokenId: pad, unkTokenId: 0, clsTokenId: 1, sepTokenId: 2, maskTokenId: 4 });

    const bert = BERT.fromTokenizer(ids, SIZES);
    const out = tempDir('ids-e2e-bert');
    try {
      expect(bert.getConfig().padTokenId).toBe(pad);
      expect(bert.getConfig().vocabSize).toBe(tokenizer.getVocabSize());
      await bert.save(out.dir);
      const config = JSON.parse(readFileSync(join(out.dir, 'config.json'), 'utf8'));
      expect(config.pad_token_id).toBe(pad);
      expect(config.vocab_size).toBe(tokenizer.getVocabSize());
    } finally {
      bert.dispose();
      out.remove();
    }

    // SOP lays the pairs out [CLS] a [SEP] b [SEP] and pads with the tokenizer's [PAD].
    const prepared = SentenceOrder.fromTokenizer(ids, { maxLength: MAX_LENGTH }).prepare(pairs(tokenizer, 0, [[3, 2]]), new Rng(1));
    const row = Array.from(prepared.inputs.inputIds!.values);
    expect(row[0]).toBe(ids.clsTokenId);
    expect(row.slice(8)).toEqual(new Array(MAX_LENGTH - 8).fill(pad));
    expect(row.filter((id) => id === ids.sepTokenId)).toHaveLength(2);
  });

  it('configs reject an id outside the vocabulary with a ConfigError naming the field', async () => {
    const ids = (await trainedWordPiece()).tokenIds();
    const v = ids.vocabSize;
    expect(() => BERT.fromTokenizer({ ...ids, padTokenId: v }, SIZES)).toThrow(ConfigError);
    expect(() => BERT.fromTokenizer({ ...ids, padTokenId: v }, SIZES)).toThrow(/padTokenId/);
    expect(() => MaskedLM.fromTokenizer({ ...ids, maskTokenId: v })).toThrow(ConfigError);
    expect(() => MaskedLM.fromTokenizer({ ...ids, maskTokenId: v })).toThrow(/maskTokenId/);
    expect(() => SentenceOrder.fromTokenizer({ ...ids, sepTokenId: -1 })).toThrow(/sepTokenId/);
    expect(() => SentenceOrder.fromTokenizer({ ...ids, clsTokenId: v + 7 })).toThrow(ConfigError);
    expect(() => GPT.fromTokenizer({ vocabSize: 10, eosTokenId: 10 }, { nEmbd: 8, nLayer: 1, nHead: 2, nPositions: 8 })).toThrow(/eosTokenId/);
    // The plain constructors check the same bound.
    expect(() => new BERT({ ...SIZES, vocabSize: v, padTokenId: v })).toThrow(ConfigError);
    expect(() => new GPT({ vocabSize: 10, bosTokenId: 10, nEmbd: 8, nLayer: 1, nHead: 2, nPositions: 8 })).toThrow(ConfigError);
  });

  it('BERT + combine([SOP, MLM]) trains a few Trainer steps: finite losses, both parts reported, loss = mlm + sop, no tensor leak', async () => {
    const tokenizer = await trainedWordPiece();
    const ids = tokenizer.tokenIds();
    const bert = BERT.fromTokenizer(ids, SIZES);
    const optimizer = new AdamW(bert, { lr: 1e-2 });
    const objective = objectives(ids, 0.3);
    const trainer = new Trainer({ model: bert, objective, optimizer, seed: 9, log: false });
    const batch = pairs(tokenizer, 0, [[4, 3], [3, 4], [5, 3], [4, 4]]);
    await trainer.step(batch); // first step allocates the optimizer's slots
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const m = await trainer.step(batch);
      expect(Number.isFinite(m.loss)).toBe(true);
      expect(m.parts?.mlm).toBeGreaterThan(0);
      expect(m.parts?.sop).toBeGreaterThan(0);
      expect(m.loss).toBeCloseTo(m.parts!.mlm! + m.parts!.sop!, 5);
      losses.push(m.loss);
    }
    expect(tf.memory().numTensors).toBe(before);
    // Same rows every step (fresh masks): the loss falls on this tiny set at lr 1e-2.
    expect(losses[3]).toBeLessThan(losses[0]!);
    optimizer.dispose();
    bert.dispose();
  });
});

/** Records what the wrapped objective prepared, so one big batch can be given exactly the same rows. */
class Recording<B> implements Objective<B> {
  readonly name: string;
  readonly seen: Prepared[] = [];
  constructor(readonly inner: Objective<B>) {
    this.name = inner.name;
  }
  prepare(batch: B, rng: Rng): Prepared {
    const prepared = this.inner.prepare(batch, rng);
    this.seen.push(prepared);
    return prepared;
  }
  loss(outputs: object, prepared: Prepared) {
    return this.inner.loss(outputs, prepared);
  }
  getConfig() {
    return this.inner.getConfig();
  }
}

/** The rows of several prepared micro-batches as one batch (every tensor concatenated on axis 0). */
function concatPrepared(parts: readonly Prepared[]): Prepared {
  const cat = (tensors: HostTensor[]): HostTensor => {
    const total = tensors.reduce((n, t) => n + t.values.length, 0);
    const values = tensors[0]!.values instanceof Float32Array ? new Float32Array(total) : new Int32Array(total);
    let offset = 0;
    for (const t of tensors) for (let i = 0; i < t.values.length; i++) values[offset++] = t.values[i]!;
    return { shape: [tensors.reduce((n, t) => n + t.shape[0]!, 0), ...tensors[0]!.shape.slice(1)], values };
  };
  const group = (key: 'inputs' | 'targets') =>
    Object.fromEntries(Object.keys(parts[0]![key]).map((k) => [k, cat(parts.map((p) => p[key][k]!))]));
  // specialTokensMask only guides an objective's prepare after this one; the loss never reads it.
  return { inputs: group('inputs'), targets: group('targets') };
}

/** Replays one fixed prepared batch through the wrapped objective's loss. */
class Replay implements Objective<unknown> {
  readonly name: string;
  constructor(
    readonly inner: Objective<SentencePairBatch>,
    readonly prepared: Prepared,
  ) {
    this.name = inner.name;
  }
  prepare(): Prepared {
    return this.prepared;
  }
  loss(outputs: object, prepared: Prepared) {
    return this.inner.loss(outputs, prepared);
  }
  getConfig() {
    return this.inner.getConfig();
  }
}

type Params = (readonly [string, Float32Array])[];

/** One SGD step of lr 1 (p - g) from the same initial BERT; returns the metrics and the parameters after it. */
async function update(ids: TokenizerIds, objective: Objective<any>, batch: unknown, extra: Partial<TrainerOptions> = {}) {
  const bert = BERT.fromTokenizer(ids, SIZES);
  const optimizer = new SGD(bert, { lr: 1 });
  const trainer = new Trainer({ model: bert, objective, optimizer, seed: 21, log: false, ...extra });
  const metrics = await trainer.step(batch as never);
  const params: Params = bert.namedParameters().map(([n, v]) => [n, Float32Array.from(v.dataSync())] as const);
  optimizer.dispose();
  bert.dispose();
  return { metrics, params };
}

function maxDiff(a: Params, b: Params): number {
  let worst = 0;
  a.forEach(([, x], i) => x.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i]![1][j]!)))));
  return worst;
}

describe("accumulation 'tokens' of combine([SOP, MLM]) equals one big batch", () => {
  // maskProbability 1 masks every word token, so each micro-batch's MLM count (the combined
  // `metrics.tokens`) is the sum of its segment lengths: 7 for the 1-pair micro-batch, 14 for the
  // 2-pair one. Counts proportional to rows make both means exact under one weight (MLM's per token,
  // SOP's per row; see combine's doc), while 'mean' (1/2 each) over-weights the small micro-batch.
  // The replacements ([MASK] / random / kept) are still drawn; Recording/Replay give the big batch
  // the very rows the micro-batches got.
  async function setting() {
    const tokenizer = await trainedWordPiece();
    const ids = tokenizer.tokenIds();
    const micro = [pairs(tokenizer, 0, [[4, 3]]), pairs(tokenizer, 2, [[3, 4], [5, 2]])];
    return { ids, micro };
  }

  it('2 micro-batches (1 and 2 pairs, 7 and 14 masked tokens) update exactly as one batch of their rows (max abs difference < 1e-6)', async () => {
    const { ids, micro } = await setting();
    const recording = new Recording(objectives(ids, 1));
    const acc = await update(ids, recording, micro);
    expect(recording.seen).toHaveLength(2);
    const masked = recording.seen.map((p) => Array.from(p.targets.mlmLabels!.values).filter((l) => l !== -100).length);
    expect(masked).toEqual([7, 14]);
    expect(acc.metrics.parts?.mlm).toBeGreaterThan(0);

    // One step on one batch (Replay ignores the batch it is given and prepares the recorded rows).
    const big = await update(ids, new Replay(objectives(ids, 1), concatPrepared(recording.seen)), null);
    // The combined objective reports MLM's count as `tokens`, and the Trainer weights by it.
    expect(acc.metrics.loss).toBeCloseTo(big.metrics.loss, 5);
    expect(maxDiff(acc.params, big.params)).toBeLessThan(1e-6);

    // The test can tell: 'mean' accumulation (what a lost `tokens` metric falls back to) differs
    // (by 0.12 here; the float32 difference above is ~1e-7).
    const mean = await update(ids, new Recording(objectives(ids, 1)), micro, { accumulation: 'mean' });
    expect(maxDiff(mean.params, big.params)).toBeGreaterThan(1e-4);
  });

  it('with dynamic 15 %-style masking (counts not proportional), the MLM part alone (sop weight 0) still accumulates exactly', async () => {
    const { ids, micro } = await setting();
    const recording = new Recording(objectives(ids, 0.4, { sop: 0, mlm: 1 }));
    const acc = await update(ids, recording, micro);
    const counts = recording.seen.map((p) => Array.from(p.targets.mlmLabels!.values).filter((l) => l !== -100).length);
    expect(counts.every((n) => n > 0)).toBe(true);
    const big = await update(ids, new Replay(objectives(ids, 0.4, { sop: 0, mlm: 1 }), concatPrepared(recording.seen)), null);
    expect(maxDiff(acc.params, big.params)).toBeLessThan(1e-6);
  });
});

describe('GPT side: a char-level tokenizer without bos/eos', () => {
  it("GPT.fromTokenizer → config.json has null bos/eos and the tokenizer's vocab_size", async () => {
    const tokenizer = charLevel();
    await tokenizer.train(CORPUS, new CharTrainer());
    const ids = tokenizer.tokenIds();
    expect(ids.bosTokenId).toBeUndefined();
    expect(ids.eosTokenId).toBeUndefined();
    const gpt = GPT.fromTokenizer(ids, { nPositions: 16, nEmbd: 8, nLayer: 1, nHead: 2, seed: 1 });
    const out = tempDir('ids-e2e-gpt');
    try {
      await gpt.save(out.dir);
      const config = JSON.parse(readFileSync(join(out.dir, 'config.json'), 'utf8'));
      expect(config.vocab_size).toBe(tokenizer.getVocabSize());
      expect(config.vocab_size).toBe(new Set(CORPUS.join('')).size);
      expect(config.bos_token_id).toBeNull();
      expect(config.eos_token_id).toBeNull();
    } finally {
      gpt.dispose();
      out.remove();
    }
  });
});
