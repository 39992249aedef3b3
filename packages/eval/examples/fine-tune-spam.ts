// Fine-tuning end to end on a real labelled set: pretrain a small character-level GPT on the
// training messages of the SpamAssassin subset (data/spam-assassin.json), fine-tune it as a
// sequence classifier, and score it on the test split next to a majority-class baseline and a
// bag-of-words logistic regression trained on the same split.
// test/examples.test.ts runs it with tiny settings; the full run (README) is
//   cd packages/eval && npx esbuild examples/fine-tune-spam.ts --bundle --platform=node --format=esm --packages=external \
//     --outfile=../../node_modules/.cache/spam.mjs && node ../../node_modules/.cache/spam.mjs --full
import '@llmkit/backend-wasm';
import { Rng, softmaxCrossEntropy, tf, useBackend, type Module } from '@llmkit/core';
import { BagOfWords, LogisticRegression, accuracy, f1, majorityClass, type Label } from '@llmkit/eval';
import { GPT, SequenceClassifier } from '@llmkit/layers';
import { charLevel } from '@llmkit/tokenizer';
import { AdamW, type Optimizer } from '@llmkit/trainer';
import spamAssassin from '../data/spam-assassin.json' with { type: 'json' };

const full = process.argv.includes('--full');
const s = full
  ? { chars: 128, nEmbd: 64, nLayer: 2, nHead: 4, pretrainSteps: 500, fineTuneEpochs: 4, batch: 16, test: Infinity }
  : { chars: 48, nEmbd: 32, nLayer: 1, nHead: 2, pretrainSteps: 12, fineTuneEpochs: 0.25, batch: 16, test: 64 };

await useBackend('wasm');
type Message = { label: 'ham' | 'spam'; split: 'train' | 'test'; text: string };
const messages = spamAssassin.messages as Message[];
const train = messages.filter((m) => m.split === 'train');
const test = messages.filter((m) => m.split === 'test').slice(0, s.test);
const LABELS = ['ham', 'spam'] as const;
console.log(`data: ${train.length} train, ${test.length} test messages`);

/** Accuracy, F1 with spam as the positive class, and macro F1. */
function report(name: string, predicted: Label[]): void {
  const truth = test.map((m) => m.label);
  const scores = [accuracy(truth, predicted), f1(truth, predicted, { posLabel: 'spam', labels: [...LABELS] }), f1(truth, predicted, { average: 'macro', labels: [...LABELS] })];
  console.log(`${name}: accuracy ${scores[0]!.toFixed(3)}, F1(spam) ${scores[1]!.toFixed(3)}, macro F1 ${scores[2]!.toFixed(3)}`);
}

// Baselines on the same split: the commonest training label, and logistic regression (C = 1) on word counts.
const majority = majorityClass(train.map((m) => m.label));
report(`majority class (${majority})`, test.map(() => majority));
const bow = BagOfWords.fit(train.map((m) => m.text), { minDf: 2 });
const lr = LogisticRegression.fit(bow.transform(train.map((m) => m.text)), train.map((m) => m.label));
report(`bag-of-words logistic regression (${bow.vocabulary.length} words)`, lr.predict(bow.transform(test.map((m) => m.text))));

// Characters: the subset's alphabet, plus a padding id after it.
const tokenizer = charLevel(Object.fromEntries([..."abcdefghijklmnopqrstuvwxyz0123456789 .,!?$%'-:/@"].map((c, i) => [c, i])));
const PAD = tokenizer.getVocabSize();
const before = tf.memory().numTensors;
const encode = (texts: string[]): number[][] => texts.map((t) => { const ids = Array.from(tokenizer.encodeIds(t.slice(0, s.chars))); return [...ids, ...new Array<number>(s.chars - ids.length).fill(PAD)]; });
const gpt = new GPT({ vocabSize: PAD + 1, nPositions: s.chars, nEmbd: s.nEmbd, nLayer: s.nLayer, nHead: s.nHead, residPdrop: 0, embdPdrop: 0, attnPdrop: 0, seed: 1 });
const rng = new Rng(14);
const batchOf = (pool: Message[]): Message[] => Array.from({ length: s.batch }, () => pool[rng.nextInt(pool.length)]!);

/** One AdamW step on `loss`; returns its value. */
async function step(optimizer: Optimizer, loss: () => tf.Scalar): Promise<number> {
  const { value, grads } = tf.variableGrads(loss, optimizer.parameters.map(([, v]) => v));
  const [l] = await value.data();
  optimizer.step(Object.fromEntries(optimizer.parameters.filter(([, v]) => grads[v.name]).map(([name, v]) => [name, grads[v.name]!])));
  tf.dispose([value, ...Object.values(grads)]);
  return l!;
}
async function run(name: string, model: Module, steps: number, lr: number, loss: () => tf.Scalar): Promise<void> {
  const optimizer = new AdamW(model, { lr, weightDecay: 0.01 });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(await step(optimizer, loss));
  optimizer.dispose();
  const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3);
  const k = Math.max(1, Math.floor(steps / 4));
  console.log(`${name}: ${steps} steps, loss ${mean(losses.slice(0, k))} (first quarter) -> ${mean(losses.slice(-k))} (last quarter)`);
}

// 1. Pretraining: next-character prediction on the training messages only (padding ignored).
await run('pretrain (causal LM)', gpt, s.pretrainSteps, 3e-3, () => {
  const ids = encode(batchOf(train).map((m) => m.text));
  const inputs = tf.tensor2d(ids, undefined, 'int32');
  const labels = tf.tensor2d(ids.map((r) => [...r.slice(1).map((t) => (t === PAD ? -100 : t)), -100]), undefined, 'int32');
  return softmaxCrossEntropy(gpt.forward({ inputIds: inputs }).logits, labels) as tf.Scalar;
});

// 2. Fine-tuning: the pretrained transformer under a sequence head pooling the last real character.
const classifier = new SequenceClassifier(gpt.transformer, { numLabels: 2, labels: [...LABELS], padTokenId: PAD, dropout: 0.1, seed: 2 });
classifier.train();
await run('fine-tune (sequence classifier)', classifier, Math.ceil((s.fineTuneEpochs * train.length) / s.batch), 1e-3, () => {
  const batch = batchOf(train);
  const inputIds = tf.tensor2d(encode(batch.map((m) => m.text)), undefined, 'int32');
  return classifier.forward({ inputIds, labels: tf.tensor1d(batch.map((m) => LABELS.indexOf(m.label)), 'int32') }).loss as tf.Scalar;
});

// 3. Test: argmax of the logits, in batches.
classifier.eval();
const predicted: Label[] = [];
for (let i = 0; i < test.length; i += 32) {
  const argmax = tf.tidy(() => tf.argMax(classifier.forward({ inputIds: tf.tensor2d(encode(test.slice(i, i + 32).map((m) => m.text)), undefined, 'int32') }).logits, -1));
  predicted.push(...Array.from(await argmax.data()).map((k) => LABELS[k]!));
  argmax.dispose();
}
report('fine-tuned GPT', predicted);
classifier.dispose(); // the head and the shared transformer
gpt.dispose();
console.log('tensors left:', tf.memory().numTensors - before);
