// Runs every file in examples/ (the README includes them verbatim) and checks what each prints.
// The examples import '@llmkit/eval' as a user would, i.e. this package's dist: build it first.
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BagOfWords, LogisticRegression, MostFrequentTag, accuracy, corpusBleu, entityScores, f1 } from '../src/index.js';
import spamAssassin from '../data/spam-assassin.json' with { type: 'json' };
import ner from '../data/synthetic-ner.json' with { type: 'json' };

/** Imports an example, returning the lines it logged. */
async function run(name: string): Promise<string[]> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
  try {
    await import(`../examples/${name}`);
  } finally {
    log.mockRestore();
  }
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe('examples', () => {
  it('every example has a test here', () => {
    expect(readdirSync(new URL('../examples/', import.meta.url)).sort()).toEqual(['analysis.ts', 'evaluate.ts', 'fine-tune-spam.ts', 'generate.ts', 'head-pruning.ts', 'metrics.ts', 'perplexity.ts', 'seq2seq.ts', 'tag-entities.ts']);
  });

  it('metrics.ts: values counted by hand from its inputs', async () => {
    const lines = await run('metrics.ts');
    // 4 of 5 right; spam: tp 2, fp 1, fn 0 -> F1 0.8; ham: tp 2, fp 0, fn 1 -> F1 0.8.
    expect(lines.slice(0, 3)).toEqual(['accuracy 0.8', 'f1 (spam) 0.8000', 'f1 macro 0.8000']);
    expect(lines[4]).toBe('confusion {"labels":["ham","spam"],"matrix":[[2,1],[0,2]]}');
    expect(lines[5]).toBe(`BLEU ${corpusBleu(['The cat sat on the mat.', 'It is raining today.'], [['The cat is on the mat.', 'There is a cat on the mat.'], 'It rains today.']).score.toFixed(2)}`);
    // LCS 6 of 6 and 7 tokens: P 1, R 6/7, F 12/13.
    expect(lines[8]).toBe(`ROUGE-L F ${(12 / 13).toFixed(4)}`);
    // PER found, LOC missed: P 1, R 1/2, F 2/3.
    expect(lines[9]).toBe('entity F1 0.6667');
  });

  it('generate.ts: greedy, sampled and beam outputs, streaming equals greedy, no tensors left', async () => {
    const lines = await run('generate.ts');
    expect(lines[0]).toMatch(/^greedy: ".{12}"$/);
    expect(JSON.parse(lines[1]!.replace('sampled: ', ''))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('beam: '))).toHaveLength(2);
    expect(lines.at(-2)).toBe('streamed equals greedy: true');
    expect(lines.at(-1)).toBe('tensors left: 0');
  });

  it('perplexity.ts: near-uniform untrained model, windows and scored tokens as the sliding window gives', async () => {
    const lines = await run('perplexity.ts');
    // 40 characters: windows start at 0, 8, 16, 24 (the last ends the text); every token but the first is scored.
    expect(lines[0]).toMatch(/^perplexity \S+ over 39 tokens in 4 windows, \S+ bits\/char$/);
    expect(lines[1]).toBe('untrained model near uniform (28 tokens): true');
    // Disjoint windows of 16: 40 tokens in 3 windows, the first token of each unscored.
    expect(lines[2]).toBe('disjoint windows: 37 tokens scored');
    expect(lines[3]).toMatch(/^pseudo-perplexity \S+ over 12 tokens$/);
  });

  it('evaluate.ts: one key per task metric, the callback evaluates at step 2 only', async () => {
    const lines = await run('evaluate.ts');
    expect(lines[0]).toBe('keys: perplexity/perplexity perplexity/nll perplexity/tokens perplexity/bitsPerCharacter perplexity/bitsPerByte generation/bleu generation/chrf generation/rouge1 generation/rouge2 generation/rougeL generation/rougeLsum');
    expect(lines.slice(1).map((l) => l.split(':')[0])).toEqual(['step 2']);
  });

  it('analysis.ts: 2 layers of 4 heads with rows summing to 1; 40% sparsity kept through an update and save/load', async () => {
    const lines = await run('analysis.ts');
    expect(lines).toEqual(['layers 2 heads 4 row sums 1.000000', 'sparsity 0.400', 'sparsity after save/load 0.400']);
  });

  it('head-pruning.ts: the chosen heads, the same after an update and save/load', async () => {
    const lines = await run('head-pruning.ts');
    expect(lines).toEqual(['pruned {"0":[1],"1":[0,3]}', 'after save/load {"0":[1],"1":[0,3]}']);
  });

  it('fine-tune-spam.ts (tiny settings): baselines equal to recomputing them, pretraining lowers the loss, no tensors left', async () => {
    const lines = await run('fine-tune-spam.ts');
    const train = spamAssassin.messages.filter((m) => m.split === 'train');
    const test = spamAssassin.messages.filter((m) => m.split === 'test').slice(0, 64);
    const truth = test.map((m) => m.label);
    expect(lines[0]).toBe(`data: ${train.length} train, 64 test messages`);
    // Majority class: ham on every message, so accuracy is the share of ham and F1(spam) is 0.
    const hamShare = truth.filter((y) => y === 'ham').length / 64;
    expect(lines[1]).toBe(`majority class (ham): accuracy ${hamShare.toFixed(3)}, F1(spam) 0.000, macro F1 ${f1(truth, truth.map(() => 'ham'), { average: 'macro', labels: ['ham', 'spam'] }).toFixed(3)}`);
    const bow = BagOfWords.fit(train.map((m) => m.text), { minDf: 2 });
    const predicted = LogisticRegression.fit(bow.transform(train.map((m) => m.text)), train.map((m) => m.label)).predict(bow.transform(test.map((m) => m.text)));
    expect(lines[2]).toBe(`bag-of-words logistic regression (${bow.vocabulary.length} words): accuracy ${accuracy(truth, predicted).toFixed(3)}, F1(spam) ${f1(truth, predicted, { posLabel: 'spam' }).toFixed(3)}, macro F1 ${f1(truth, predicted, { average: 'macro' }).toFixed(3)}`);
    const [, first, last] = /^pretrain \(causal LM\): 12 steps, loss (\S+) \(first quarter\) -> (\S+) \(last quarter\)$/.exec(lines[3]!)!;
    expect(Number(first)).toBeGreaterThan(Number(last)); // starts near ln(49) = 3.89
    expect(lines[4]).toMatch(/^fine-tune \(sequence classifier\): 11 steps, loss \d\.\d{3} \(first quarter\) -> \d\.\d{3} \(last quarter\)$/);
    expect(lines[5]).toMatch(/^fine-tuned GPT: accuracy [01]\.\d{3}, F1\(spam\) [01]\.\d{3}, macro F1 [01]\.\d{3}$/);
    expect(lines[6]).toBe('tensors left: 0');
  });

  it('tag-entities.ts (tiny settings): the baseline equals recomputing it, training lowers the loss, entity scores in range, no tensors left', async () => {
    const lines = await run('tag-entities.ts');
    const train = ner.sentences.filter((x) => x.split === 'train');
    const test = ner.sentences.filter((x) => x.split === 'test').slice(0, 50);
    expect(lines[0]).toBe(`data: ${train.length} train, 50 test sentences`);
    const tagger = MostFrequentTag.fit(train);
    const b = entityScores(test.map((x) => x.tags), test.map((x) => tagger.predict(x.tokens)));
    expect(lines[1]).toBe(`most-frequent tag: entity precision ${b.precision.toFixed(3)}, recall ${b.recall.toFixed(3)}, F1 ${b.f1.toFixed(3)}`);
    expect(b.recall).toBeLessThan(0.6); // unseen names are tagged O by the baseline
    const [, first, last] = /^tagger: 25 steps, loss (\S+) -> (\S+)$/.exec(lines[2]!)!;
    expect(Number(last)).toBeLessThan(Number(first)); // starts near ln(7) = 1.95
    expect(lines[3]).toMatch(/^BERT tagger: entity precision [01]\.\d{3}, recall [01]\.\d{3}, F1 [01]\.\d{3}$/);
    expect(lines[4]).toMatch(/^unseen names: ((O|[BI]-(PER|LOC|ORG)) ){9}(O|[BI]-(PER|LOC|ORG))$/);
    expect(lines[5]).toBe('tensors left: 0');
  });

  it('seq2seq.ts: greedy, sampled and beam outputs from the encoder, one beam equals greedy, no tensors left', async () => {
    const lines = await run('seq2seq.ts');
    expect(JSON.parse(lines[0]!.replace('greedy: ', ''))).toHaveLength(2);
    expect(JSON.parse(lines[1]!.replace('sampled: ', ''))).toHaveLength(2);
    expect(lines.filter((l) => /^beams of source \d: "[^"]*" -?\d+\.\d{3}, "[^"]*" -?\d+\.\d{3}$/.test(l))).toHaveLength(2);
    expect(lines.at(-2)).toBe('one beam equals greedy: true');
    expect(lines.at(-1)).toBe('tensors left: 0');
  });
});
