// Token classification: a small BERT with a TokenClassifier head trained on data/synthetic-ner.json
// (IOB2 PER/LOC/ORG; Apache-2.0, made by scripts/make_ner_set.mjs), scored with entity-level F1
// (seqeval's semantics) through the runner, next to a most-frequent-tag baseline. Half of the test
// fillers are names never seen in training: only the context tells their type.
// test/examples.test.ts runs it with tiny settings; the full run is examples/fine-tune-spam.ts's command with this file.
import '@llmkit/backend-wasm';
import { Rng, tf, useBackend } from '@llmkit/core';
import { MostFrequentTag, entityScores, evaluate, tokenClassificationTask } from '@llmkit/eval';
import { BertModel, TokenClassifier } from '@llmkit/layers';
import { AdamW } from '@llmkit/trainer';
import ner from '../data/synthetic-ner.json' with { type: 'json' };

const full = process.argv.includes('--full');
const s = full ? { hidden: 64, layers: 2, steps: 600, batch: 32, test: Infinity } : { hidden: 32, layers: 1, steps: 25, batch: 32, test: 50 };

await useBackend('wasm');
type Sentence = { tokens: string[]; tags: string[] };
const train: Sentence[] = ner.sentences.filter((x) => x.split === 'train');
const test: Sentence[] = ner.sentences.filter((x) => x.split === 'test').slice(0, s.test);
console.log(`data: ${train.length} train, ${test.length} test sentences`);

const baseline = MostFrequentTag.fit(train);
const b = entityScores(test.map((x) => x.tags), test.map((x) => baseline.predict(x.tokens)));
console.log(`most-frequent tag: entity precision ${b.precision.toFixed(3)}, recall ${b.recall.toFixed(3)}, F1 ${b.f1.toFixed(3)}`);

// Word ids: words seen twice in training, the rest [UNK]; tags in a fixed order.
const PAD = 0;
const UNK = 1;
const counts = new Map<string, number>();
for (const x of train) for (const w of x.tokens) counts.set(w, (counts.get(w) ?? 0) + 1);
const vocab = new Map([...counts].filter(([, n]) => n >= 2).map(([w], i) => [w, i + 2]));
const TAGS = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG'];
const rng = new Rng(14);

/** Ids [B, T] right-padded, mask, and tag ids (-100 on padding); `dropWords` turns words into [UNK] so the model learns to tag by context. */
function batchOf(sentences: Sentence[], dropWords = 0): { inputIds: tf.Tensor; attentionMask: tf.Tensor; labels: tf.Tensor } {
  const t = Math.max(...sentences.map((x) => x.tokens.length));
  const row = <T>(xs: T[], pad: T) => [...xs, ...new Array<T>(t - xs.length).fill(pad)];
  return {
    inputIds: tf.tensor2d(sentences.map((x) => row(x.tokens.map((w) => (rng.nextFloat() < dropWords ? UNK : (vocab.get(w) ?? UNK))), PAD)), undefined, 'int32'),
    attentionMask: tf.tensor2d(sentences.map((x) => row(x.tokens.map(() => 1), 0)), undefined, 'int32'),
    labels: tf.tensor2d(sentences.map((x) => row(x.tags.map((tag) => TAGS.indexOf(tag)), -100)), undefined, 'int32'),
  };
}

const before = tf.memory().numTensors;
const bert = new BertModel({ vocabSize: vocab.size + 2, hiddenSize: s.hidden, numHiddenLayers: s.layers, numAttentionHeads: 4, intermediateSize: 4 * s.hidden, maxPositionEmbeddings: 32, padTokenId: PAD });
const tagger = new TokenClassifier(bert, { numLabels: TAGS.length, labels: TAGS, seed: 1 });
const optimizer = new AdamW(tagger, { lr: 3e-3 });
tagger.train();
const losses: number[] = [];
for (let step = 0; step < s.steps; step++) {
  const { value, grads } = tf.variableGrads(() => {
    const batch = batchOf(Array.from({ length: s.batch }, () => train[rng.nextInt(train.length)]!), 0.15);
    return tagger.forward(batch).loss as tf.Scalar;
  }, optimizer.parameters.map(([, v]) => v));
  losses.push((await value.data())[0]!);
  optimizer.step(Object.fromEntries(optimizer.parameters.filter(([, v]) => grads[v.name]).map(([name, v]) => [name, grads[v.name]!])));
  tf.dispose([value, ...Object.values(grads)]);
}
console.log(`tagger: ${s.steps} steps, loss ${losses[0]!.toFixed(3)} -> ${losses.at(-1)!.toFixed(3)}`);

// The runner scores what `predict` returns: the argmax tag of every real token.
tagger.eval();
async function predict(sentences: readonly Sentence[]): Promise<string[][]> {
  const { inputIds, attentionMask, labels } = batchOf([...sentences]);
  const argmax = tf.tidy(() => tf.argMax(tagger.forward({ inputIds, attentionMask }).logits, -1));
  const ids = (await argmax.array()) as number[][];
  tf.dispose([inputIds, attentionMask, labels, argmax]);
  return sentences.map((x, i) => x.tokens.map((_, j) => TAGS[ids[i]![j]!]!));
}
const result = await evaluate({ model: tagger, tokenizer: null, data: test, metrics: [tokenClassificationTask({ predict })] });
const m = result.metrics;
console.log(`BERT tagger: entity precision ${m['entities/precision']!.toFixed(3)}, recall ${m['entities/recall']!.toFixed(3)}, F1 ${m['entities/f1']!.toFixed(3)}`);
const [sample] = await predict([{ tokens: ['lars', 'berg', 'flew', 'from', 'quito', 'to', 'jordan', 'on', 'monday', '.'], tags: new Array<string>(10).fill('O') }]);
console.log('unseen names:', sample!.join(' '));
optimizer.dispose();
tagger.dispose();
console.log('tensors left:', tf.memory().numTensors - before);
