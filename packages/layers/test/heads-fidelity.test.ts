// The classification heads against transformers: GPT2/Bert ForSequenceClassification and
// ForTokenClassification checkpoints written by test/fixtures/heads/generate_heads.py load with
// their labels, give transformers' logits and loss (every problem_type), and save back under HF's names.
import '@llmkit/backend-cpu';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSafetensorsHeader, tf, useBackend } from '@llmkit/core';
import { CheckpointError, SequenceClassifier, TokenClassifier } from '../src/index.js';
import { maxAbsError } from './reference.js';

const FIXTURES = new URL('./fixtures/heads/', import.meta.url).pathname;
// float32 in tfjs vs float32 in PyTorch through 2 layers: logits agree to ~1e-6.
const TOL = 1e-5;
const scratch = mkdtempSync(join(tmpdir(), 'llmkit-heads-'));

beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const reference = (name: string): any => JSON.parse(readFileSync(join(FIXTURES, name, 'reference.json'), 'utf8'));
const int2d = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');
const keys = (dir: string) => parseSafetensorsHeader(readFileSync(join(dir, 'model.safetensors'))).entries.map((e) => e.name).sort();

describe.each(['gpt2-tiny', 'bert-tiny'])('%s heads equal transformers', (base) => {
  it(`${base}-seq: ForSequenceClassification logits and the loss of every problem_type`, async () => {
    const ref = reference(`${base}-seq`);
    const clf = (await SequenceClassifier.load(join(FIXTURES, `${base}-seq`))).eval();
    expect(clf.labels).toEqual(['negative', 'neutral', 'positive']);
    if (base === 'gpt2-tiny') expect(clf.padTokenId).toBe(0);
    const inputs = { inputIds: int2d(ref.input_ids), attentionMask: int2d(ref.attention_mask) };
    const before = tf.memory().numTensors;
    const { logits, loss, hiddenStates } = clf.forward({ ...inputs, labels: tf.tensor1d(ref.labels, 'int32') });
    expect(maxAbsError(logits.dataSync(), ref.logits.flat())).toBeLessThan(TOL);
    expect(Math.abs(loss!.dataSync()[0]! - ref.loss)).toBeLessThan(TOL);
    tf.dispose([logits, loss!, hiddenStates]);
    expect(tf.memory().numTensors).toBe(before + 1); // the labels tensor only
    if (base === 'gpt2-tiny') {
      // Without a mask, transformers still pools the last token that is not pad_token_id (not position T-1).
      const unmasked = clf.forward({ inputIds: inputs.inputIds }).logits;
      expect(maxAbsError(unmasked.dataSync(), ref.logits.flat())).toBeLessThan(TOL);
    }

    const multi = new SequenceClassifier(clf.backbone, { numLabels: 3, problemType: 'multi_label_classification' });
    multi.classifier.loadStateDict(new Map(clf.classifier.stateDict()));
    const m = multi.eval().forward({ ...inputs, labels: tf.tensor2d(ref.multi_labels) }).loss!.dataSync()[0]!;
    expect(Math.abs(m - ref.multi_label_loss)).toBeLessThan(TOL);
    const reg = new SequenceClassifier(clf.backbone, { numLabels: 3, problemType: 'regression' });
    reg.classifier.loadStateDict(new Map(clf.classifier.stateDict()));
    const r = reg.eval().forward({ ...inputs, labels: tf.tensor2d(ref.regression_targets) }).loss!.dataSync()[0]!;
    expect(Math.abs(r - ref.regression_loss)).toBeLessThan(TOL);
  });

  it(`${base}-token: ForTokenClassification logits and loss (label -100 skipped)`, async () => {
    const ref = reference(`${base}-token`);
    const clf = (await TokenClassifier.load(join(FIXTURES, `${base}-token`))).eval();
    expect(clf.labels).toEqual(['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC']);
    const { logits, loss } = clf.forward({ inputIds: int2d(ref.input_ids), attentionMask: int2d(ref.attention_mask), labels: int2d(ref.labels) });
    expect(maxAbsError(logits.dataSync(), ref.logits.flat(2))).toBeLessThan(TOL);
    expect(Math.abs(loss!.dataSync()[0]! - ref.loss)).toBeLessThan(TOL);
  });

  it.each(['seq', 'token'])(`${base}-%s: save writes HF's keys and config, and reloads to the same logits`, async (kind) => {
    const name = `${base}-${kind}`;
    const ref = reference(name);
    const Head = kind === 'seq' ? SequenceClassifier : TokenClassifier;
    const clf = await Head.load(join(FIXTURES, name));
    const out = join(scratch, name);
    await clf.save(out);
    // The same key set transformers wrote (BertForTokenClassification: no pooler), so transformers loads it
    // without missing or unexpected keys (checked with generate_heads.py --verify on these folders).
    expect(keys(out)).toEqual(keys(join(FIXTURES, name)));
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    const hf = JSON.parse(readFileSync(join(FIXTURES, name, 'config.json'), 'utf8'));
    for (const field of ['architectures', 'id2label', 'label2id', 'model_type', 'pad_token_id']) expect(config[field], field).toEqual(hf[field]);
    const again = (await Head.load(out)).eval();
    const logits = again.forward({ inputIds: int2d(ref.input_ids), attentionMask: int2d(ref.attention_mask) }).logits;
    expect(maxAbsError(logits.dataSync(), ref.logits.flat(2))).toBeLessThan(TOL);
    copyFileSync(join(FIXTURES, name, 'reference.json'), join(out, 'reference.json'));
  });
});

describe('fine-tuning the loaded heads', () => {
  it.each(['gpt2-tiny-token', 'bert-tiny-token', 'bert-tiny-seq'])('%s: an SGD step on the loss lowers it and leaves no tensor behind', async (name) => {
    const ref = reference(name);
    const Head = name.endsWith('seq') ? SequenceClassifier : TokenClassifier;
    const clf = (await Head.load(join(FIXTURES, name))).eval();
    const labels = name.endsWith('seq') ? tf.tensor1d(ref.labels, 'int32') : int2d(ref.labels);
    const inputs = { inputIds: int2d(ref.input_ids), attentionMask: int2d(ref.attention_mask), labels };
    const optimizer = tf.train.sgd(0.005);
    const lossOf = () => clf.forward(inputs).loss as tf.Scalar;
    const before = tf.memory().numTensors;
    const cost = optimizer.minimize(lossOf, true)!;
    const first = cost.dataSync()[0]!;
    cost.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(first).toBeCloseTo(ref.loss, 5);
    const after = tf.tidy(() => lossOf().dataSync()[0]!);
    expect(after).toBeLessThan(first);
    clf.dispose();
  });
});

describe('classifier checkpoints are checked before loading', () => {
  const broken = (name: string, edit: (c: Record<string, unknown>) => void) => {
    const dir = join(scratch, `broken-${name}-${Math.random().toString(36).slice(2)}`);
    rmSync(dir, { recursive: true, force: true });
    const src = join(FIXTURES, name);
    mkdirSync(dir);
    copyFileSync(join(src, 'model.safetensors'), join(dir, 'model.safetensors'));
    const config = JSON.parse(readFileSync(join(src, 'config.json'), 'utf8'));
    edit(config);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    return dir;
  };

  it('id2label naming more labels than the weights hold → CheckpointError naming score.weight', async () => {
    const dir = broken('gpt2-tiny-seq', (c) => ((c.id2label as Record<string, string>)['3'] = 'extra'));
    await expect(SequenceClassifier.load(dir)).rejects.toThrow(CheckpointError);
    await expect(SequenceClassifier.load(dir)).rejects.toThrow(/'score\.weight' is \[3, 36\].*num_labels 4/);
  });

  it('a bad problem_type, and a sequence head read as a token head, are CheckpointErrors', async () => {
    await expect(SequenceClassifier.load(broken('bert-tiny-seq', (c) => (c.problem_type = 'ranking')))).rejects.toThrow(/'problem_type' must be null or one of/);
    await expect(TokenClassifier.load(join(FIXTURES, 'gpt2-tiny-seq'))).rejects.toThrow(/no 'classifier\.weight'/);
    await expect(SequenceClassifier.load(broken('bert-tiny-seq', (c) => (c.model_type = 't5')))).rejects.toThrow(/'model_type' must be "gpt2" or "bert"/);
  });

  it('labels of the wrong shape are a ShapeError naming labels', async () => {
    const clf = await TokenClassifier.load(join(FIXTURES, 'bert-tiny-token'));
    expect(() => clf.forward({ inputIds: int2d([[1, 2, 3]]), labels: int2d([[1, 2]]) })).toThrow(/'labels' must be \[1, 3\]; got \[1, 2\]/);
  });
});
