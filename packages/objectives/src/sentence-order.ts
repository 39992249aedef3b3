// ALBERT's sentence-order prediction: two consecutive segments of one document, swapped with
// probability 0.5; the model tells the original order (0) from the swapped one (1).
import type { Rng } from '@llmkit/core';
import { checkName, checkProbability, checkRng, readLabels } from './checks.js';
import { labelLoss } from './label-loss.js';
import type { LossResult, Objective, Prepared } from './objective.js';
import { layoutPairs, pairLayoutFromTokenizer, readPairLayout, readPairs, type PairLayout, type PairLayoutOptions, type SentencePairBatch } from './sentence-pairs.js';
import type { TokenizerIds } from './tokenizer-ids.js';

/** Options of {@link SentenceOrder}. */
export interface SentenceOrderOptions extends PairLayoutOptions {
  /** Chance that a pair is swapped (default 0.5). */
  swapProbability?: number;
  /** Part name in {@link combine} (default `'sop'`). */
  name?: string;
  /** The model output holding the sentence logits [B, 2] (default `'seqRelationshipLogits'`). */
  logitsKey?: string;
}

/**
 * Sentence-order prediction (Lan et al. 2019, ALBERT). For each pair `{ a, b }` of consecutive
 * segments, one `rng.nextFloat()` decides the order: rows are `[CLS] a [SEP] b [SEP]` (label 0) or
 * `[CLS] b [SEP] a [SEP]` (label 1), token type 0 up to the first `[SEP]` and 1 after it.
 *
 * ```ts
 * const sop = new SentenceOrder({ clsTokenId: 101, sepTokenId: 102, maxLength: 128 });
 * const prepared = sop.prepare({ pairs: [{ a: [7, 8, 9], b: [10, 11] }] }, rng);
 * ```
 */
export class SentenceOrder implements Objective<SentencePairBatch> {
  readonly name: string;
  private readonly layout: PairLayout;
  private readonly swapProbability: number;
  private readonly logitsKey: string;

  constructor(options: SentenceOrderOptions) {
    this.layout = readPairLayout('SentenceOrder', options);
    this.swapProbability = checkProbability('SentenceOrder', 'swapProbability', options.swapProbability ?? 0.5);
    this.name = checkName('SentenceOrder', options.name ?? 'sop');
    this.logitsKey = checkName('SentenceOrder', options.logitsKey ?? 'seqRelationshipLogits');
  }

  /**
   * A SentenceOrder whose `[CLS]`, `[SEP]` and `[PAD]` ids come from `tokenizer.tokenIds()`.
   *
   * ```ts
   * const sop = SentenceOrder.fromTokenizer(tokenizer.tokenIds(), { maxLength: 128 });
   * ```
   * @throws ConfigError naming the field, or the token the tokenizer lacks.
   */
  static fromTokenizer(ids: TokenizerIds, options: Omit<SentenceOrderOptions, 'clsTokenId' | 'sepTokenId' | 'padTokenId'> = {}): SentenceOrder {
    return new SentenceOrder({ ...options, ...pairLayoutFromTokenizer('SentenceOrder.fromTokenizer', ids) });
  }

  /**
   * Inputs `{ inputIds, attentionMask, tokenTypeIds }` int32 [B, T], targets `{ sopLabels }` int32
   * [B] (1 = swapped), and the special-tokens mask for a MaskedLM after it.
   */
  prepare(batch: SentencePairBatch, rng: Rng): Prepared {
    checkRng('SentenceOrder.prepare', rng);
    const pairs = readPairs('SentenceOrder.prepare', batch);
    const labels = new Int32Array(pairs.length);
    const segments = pairs.map(({ a, b }, k) => {
      const swap = rng.nextFloat() < this.swapProbability;
      labels[k] = swap ? 1 : 0;
      return { a, b, swap };
    });
    const { inputs, specialTokensMask } = layoutPairs(this.layout, segments);
    return { inputs, targets: { sopLabels: { shape: [pairs.length], values: labels } }, specialTokensMask };
  }

  /** Mean cross-entropy of the sentence logits [B, 2]; `metrics.sequences` is B. */
  loss(outputs: object, prepared: Prepared): LossResult {
    const labels = readLabels('SentenceOrder.loss', prepared, 'sopLabels', 1);
    const { loss, count } = labelLoss('SentenceOrder.loss', outputs, this.logitsKey, labels);
    return { loss, metrics: { sequences: count } };
  }

  getConfig(): Required<Omit<SentenceOrderOptions, 'maxLength'>> & { maxLength?: number } {
    const { maxLength, ...layout } = this.layout;
    return {
      ...layout,
      ...(maxLength === undefined ? {} : { maxLength }),
      swapProbability: this.swapProbability,
      name: this.name,
      logitsKey: this.logitsKey,
    };
  }
}
