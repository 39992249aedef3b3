// Sequence and token classification heads on GPT, BERT and the encoder; HF names; pooling.
import '@llmkit/backend-cpu';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { softmaxCrossEntropy, tf, useBackend } from '@llmkit/core';
import { BertModel, EncoderDecoder, GPTModel, SequenceClassifier, TokenClassifier, pool } from '../src/index.js';
import { maxAbsError } from './reference.js';

beforeAll(async () => {
  await useBackend('cpu');
});
const ids = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');

describe('classification heads', () => {
  it('GPT: `score` without bias on the last real token, under HF names', () => {
    const clf = new SequenceClassifier(new GPTModel({ vocabSize: 20, nPositions: 8, nEmbd: 12, nLayer: 1, nHead: 2 }), { numLabels: 3 }).eval();
    expect(clf.namedParameters().map(([n]) => n).filter((n) => !n.startsWith('transformer.'))).toEqual(['score.weight']);
    const padded = clf.forward({ inputIds: ids([[1, 2, 3, 0, 0]]), attentionMask: ids([[1, 1, 1, 0, 0]]) }).logits.dataSync();
    const alone = clf.forward({ inputIds: ids([[1, 2, 3]]) }).logits.dataSync();
    expect(maxAbsError(padded, alone)).toBeLessThan(1e-6);
    expect(clf.hfConfig().architectures).toEqual(['GPT2ForSequenceClassification']);
  });

  it('BERT: `classifier` on the pooler output; token classifier per token; both train', () => {
    const bert = new BertModel({ vocabSize: 20, hiddenSize: 12, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 8 });
    const seq = new SequenceClassifier(bert, { numLabels: 2 });
    const tok = new TokenClassifier(bert, { numLabels: 5 });
    expect(seq.namedParameters().map(([n]) => n).slice(-2)).toEqual(['classifier.weight', 'classifier.bias']);
    expect(seq.namedParameters()[0]![0]).toBe('bert.embeddings.word_embeddings.weight');
    const x = { inputIds: ids([[2, 5, 6, 3]]) };
    expect(tok.forward(x).logits.shape).toEqual([1, 4, 5]);
    const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(seq.forward(x).logits, tf.tensor1d([1], 'int32')) as tf.Scalar, seq.parameters());
    expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
    expect(Object.keys(grads).length).toBe(seq.parameters().length);
  });

  it('an encoder of the encoder-decoder carries heads too (mean pooling)', () => {
    const t = new EncoderDecoder({ vocabSize: 20, dModel: 8, encoderLayers: 1, decoderLayers: 1, attentionHeads: 2, ffnDim: 16 });
    const clf = new SequenceClassifier(t.encoder, { numLabels: 4 });
    expect(clf.pooling).toBe('mean');
    expect(clf.forward({ inputIds: ids([[1, 2, 3]]) }).logits.shape).toEqual([1, 4]);
  });

  it('pooling: last uses the mask, mean ignores padding', () => {
    const h = tf.tensor3d([[[1], [2], [3], [9]]]);
    const mask = ids([[1, 1, 1, 0]]);
    expect(pool('last', h, mask).dataSync()[0]).toBe(3);
    expect(pool('mean', h, mask).dataSync()[0]).toBeCloseTo(2, 6);
    expect(pool('first', h, mask).dataSync()[0]).toBe(1);
  });

  it('save writes num_labels (id2label) and HF names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmkit-clf-'));
    try {
      const clf = new SequenceClassifier(new GPTModel({ vocabSize: 20, nPositions: 8, nEmbd: 12, nLayer: 1, nHead: 2 }), { numLabels: 2 });
      await clf.save(dir);
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      expect(config.id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1' });
      expect(config.model_type).toBe('gpt2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
