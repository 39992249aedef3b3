// Pretrains a small BERT with masked LM + sentence order (ALBERT's SOP) on a folder of text files,
// then fine-tunes the same encoder to tell questions from statements, and scores it with
// @llmkit/eval's accuracy and F1 next to the majority-class baseline.
//   node pretrain-finetune.mjs [--full] [--pretrain-steps N] [--finetune-steps N] [--out DIR]
// Tiny settings by default (seconds); --full trains a larger model for longer (minutes).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Rng, useBackend } from '@llmkit/core';
import { accuracy, classificationTask, evaluate, f1, matthewsCorrcoef } from '@llmkit/eval';
import { BERT, SequenceClassifier } from '@llmkit/layers';
import { MaskedLM, SentenceOrder, combine } from '@llmkit/objectives';
import { WordPieceTrainer, bertWordPiece } from '@llmkit/tokenizer';
import { AdamW, LinearSchedule, Trainer, segmentPairs, textFiles, trainValidation } from '@llmkit/trainer';
import { SequenceClassification } from './classification.mjs';

const { values: args } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    'pretrain-steps': { type: 'string' },
    'finetune-steps': { type: 'string' },
    out: { type: 'string', default: 'out' },
  },
});
const size = args.full
  ? { vocabSize: 1000, hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 128, pretrainSteps: 800, finetuneSteps: 300 }
  : { vocabSize: 1000, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 64, pretrainSteps: 6, finetuneSteps: 10 };
const pretrainSteps = Number(args['pretrain-steps'] ?? size.pretrainSteps);
const finetuneSteps = Number(args['finetune-steps'] ?? size.finetuneSteps);
const maxLength = 64; // [CLS] A [SEP] B [SEP]
const labels = ['statement', 'question'];

const backend = await useBackend(); // wasm, which @llmkit/trainer brings, unless another is installed
console.log(`backend ${backend.name}; pretraining ${pretrainSteps} steps, fine-tuning ${finetuneSteps} steps`);

// 1. Pretraining. Each speech (paragraph) is a document; its lines are what segment pairs are cut between.
const corpus = textFiles('corpus/*.txt', { sampleBy: 'paragraph' });
const tokenizer = bertWordPiece();
await tokenizer.train(corpus, new WordPieceTrainer({ vocabSize: size.vocabSize }));
const ids = tokenizer.tokenIds();
const { train, validation } = trainValidation(
  segmentPairs,
  { source: corpus, tokenizer, maxLength, batchSize: 16, shuffleBuffer: 256, seed: 1, epochs: Infinity },
  { fraction: 0.1, by: 'block' },
);
const { vocabSize: _, pretrainSteps: __, finetuneSteps: ___, ...shape } = size;
const bert = BERT.fromTokenizer(ids, { ...shape, maxPositionEmbeddings: maxLength });
const pretrainer = new Trainer({
  model: bert,
  objective: combine([SentenceOrder.fromTokenizer(ids, { maxLength }), MaskedLM.fromTokenizer(ids)]),
  data: train,
  optimizer: new AdamW(bert, { lr: 1e-3, weightDecay: 0.01 }),
  schedule: new LinearSchedule({ maxLr: 1e-3, minLr: 1e-4, warmupSteps: Math.ceil(pretrainSteps / 10), decaySteps: pretrainSteps }),
  maxSteps: pretrainSteps,
  clipNorm: 1,
  evalData: validation,
  evalBatches: 4,
  evalEvery: Math.max(1, Math.round(pretrainSteps / 4)),
  log: false,
  callbacks: [{ onEval: (m) => console.log(`pretraining step ${m.step}: val ${show(m)}`) }],
});
function show(m) {
  return `loss ${m.loss.toFixed(4)} (mlm ${m.parts.mlm.toFixed(4)}, sop ${m.parts.sop.toFixed(4)})`;
}
console.log(`pretraining: val ${show(await pretrainer.evaluate())} before`);
await pretrainer.fit();
console.log(`pretraining: val ${show(await pretrainer.evaluate())} after ${pretrainSteps} steps`);
await bert.save(`${args.out}/bert`); // BertForPreTraining, loadable by transformers
await tokenizer.save(`${args.out}/bert/tokenizer.json`);

// 2. Fine-tuning: the pretrained encoder (bert.bert, the very same weights) under a new head.
const examples = readFileSync('questions.jsonl', 'utf8').trim().split('\n').map((line) => JSON.parse(line));
const trainSet = examples.slice(0, 450); // the file alternates the labels: both halves are balanced
const testSet = examples.slice(450);
const classifier = new SequenceClassifier(bert.bert, { numLabels: 2, labels, seed: 1 });

/** Shuffled batches of encoded sentences, epoch after epoch, from a seeded stream. */
function* batches(set, batchSize, seed) {
  const rng = new Rng(seed);
  for (;;) {
    const order = set.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let s = 0; s + batchSize <= order.length; s += batchSize) {
      const rows = order.slice(s, s + batchSize).map((i) => set[i]);
      yield { tokens: tokenizer.encodeBatch(rows.map((r) => r.text), { padding: true }), labels: rows.map((r) => labels.indexOf(r.label)) };
    }
  }
}
const finetuner = new Trainer({
  model: classifier,
  objective: new SequenceClassification(classifier),
  data: batches(trainSet, 16, 2),
  optimizer: new AdamW(classifier, { lr: 3e-4, weightDecay: 0.01 }),
  schedule: new LinearSchedule({ maxLr: 3e-4, minLr: 0, warmupSteps: Math.ceil(finetuneSteps / 10), decaySteps: finetuneSteps }),
  maxSteps: finetuneSteps,
  clipNorm: 1,
  log: false,
  callbacks: [{ onStep: ({ step, loss }) => (step % Math.max(1, Math.round(finetuneSteps / 5)) === 0 || step === 1) && console.log(`fine-tuning step ${step}: loss ${loss.toFixed(4)}`) }],
});
await finetuner.fit();

// 3. Scores on the 150 held-out sentences, next to always answering the training set's majority label.
const task = classificationTask({ labels, padTokenId: ids.padTokenId });
const scored = (await evaluate({ model: classifier, tokenizer, data: testSet, metrics: [task] })).metrics;
const yTrue = testSet.map((e) => e.label);
const majority = labels.reduce((a, b) => (trainSet.filter((e) => e.label === b).length > trainSet.filter((e) => e.label === a).length ? b : a));
const baseline = yTrue.map(() => majority);
const row = (name, acc, f1Macro, mcc) => console.log(`${name.padEnd(26)} accuracy ${acc.toFixed(3)}   F1 (macro) ${f1Macro.toFixed(3)}   MCC ${mcc.toFixed(3)}`);
console.log(`question or statement? ${testSet.length} held-out sentences (${yTrue.filter((l) => l === 'question').length} questions)`);
row(`majority ("${majority}")`, accuracy(yTrue, baseline), f1(yTrue, baseline, { average: 'macro' }), matthewsCorrcoef(yTrue, baseline));
row('fine-tuned BERT', scored['classification/accuracy'], scored['classification/f1Macro'], scored['classification/mcc']);

// 4. The fine-tuned model as transformers' BertForSequenceClassification, loaded back: the same scores.
await classifier.save(`${args.out}/classifier`);
const reloaded = await SequenceClassifier.load(`${args.out}/classifier`);
const again = (await evaluate({ model: reloaded, tokenizer, data: testSet, metrics: [task] })).metrics;
const same = again['classification/accuracy'] === scored['classification/accuracy'] && again['classification/f1Macro'] === scored['classification/f1Macro'];
console.log(`saved ${args.out}/classifier (BertForSequenceClassification); reloaded, same scores: ${same}`);
for (const m of [bert, reloaded]) m.dispose();
if (!same) process.exit(1);
