// BERT's next-sentence prediction: the second segment is the true continuation (label 0) or, with
// probability 0.5, a segment drawn from another document (label 1), as in HF's next_sentence_label.
import { ConfigError, type Rng } from '@llmkit/core';
import { checkName, checkProbability, checkRng, describe, readLabels } from './checks.js';
import { labelLoss } from './label-loss.js';
import type { LossResult, Objective, Prepared } from './objective.js';
import {
  checkSegment,
  layoutPairs,
  pairLayoutFromTokenizer,
  readPairLayout,
  readPairs,
  type PairLayout,
  type PairLayoutOptions,
  type PoolSegment,
  type SentencePairBatch,
} from './sentence-pairs.js';
import type { TokenizerIds } from './tokenizer-ids.js';

/** Options of {@link NextSentence}. */
export interface NextSentenceOptions extends PairLayoutOptions {
  /** Chance that the second segment is replaced by a random one from another document (default 0.5). */
  randomProbability?: number;
  /** Part name in {@link combine} (default `'nsp'`). */
  name?: string;
  /** The model output holding the sentence logits [B, 2] (default `'seqRelationshipLogits'`). */
  logitsKey?: string;
}

/** Draws before falling back to a scan: a pool mostly from other documents needs one or two. */
const REJECTION_TRIES = 32;

/**
 * Next-sentence prediction (Devlin et al. 2018). Each pair `{ a, b, document }` gives the row
 * `[CLS] a [SEP] b [SEP]` (label 0) or, with probability `randomProbability`, `[CLS] a [SEP] r [SEP]`
 * where `r` is a segment of `batch.pool` from a different document (label 1). Without a pool, the
 * pool is every `a` and `b` of the batch.
 *
 * ```ts
 * const nsp = new NextSentence({ clsTokenId: 101, sepTokenId: 102 });
 * nsp.prepare({ pairs: [{ a: [7, 8], b: [9], document: 0 }, { a: [4], b: [5, 6], document: 1 }] }, rng);
 * ```
 */
export class NextSentence implements Objective<SentencePairBatch> {
  readonly name: string;
  private readonly layout: PairLayout;
  private readonly randomProbability: number;
  private readonly logitsKey: string;

  constructor(options: NextSentenceOptions) {
    this.layout = readPairLayout('NextSentence', options);
    this.randomProbability = checkProbability('NextSentence', 'randomProbability', options.randomProbability ?? 0.5);
    this.name = checkName('NextSentence', options.name ?? 'nsp');
    this.logitsKey = checkName('NextSentence', options.logitsKey ?? 'seqRelationshipLogits');
  }

  /**
   * A NextSentence whose `[CLS]`, `[SEP]` and `[PAD]` ids come from `tokenizer.tokenIds()`.
   *
   * ```ts
   * const nsp = NextSentence.fromTokenizer(tokenizer.tokenIds(), { maxLength: 128 });
   * ```
   * @throws ConfigError naming the field, or the token the tokenizer lacks.
   */
  static fromTokenizer(ids: TokenizerIds, options: Omit<NextSentenceOptions, 'clsTokenId' | 'sepTokenId' | 'padTokenId'> = {}): NextSentence {
    return new NextSentence({ ...options, ...pairLayoutFromTokenizer('NextSentence.fromTokenizer', ids) });
  }

  /**
   * Inputs `{ inputIds, attentionMask, tokenTypeIds }` int32 [B, T], targets `{ nspLabels }` int32
   * [B] (1 = random), and the special-tokens mask. Per pair: one `rng.nextFloat()`, then for a random
   * one `rng.nextInt(pool.length)` until it lands on another document.
   */
  prepare(batch: SentencePairBatch, rng: Rng): Prepared {
    const where = 'NextSentence.prepare';
    checkRng(where, rng);
    const pairs = readPairs(where, batch);
    pairs.forEach((p, k) => {
      if (!Number.isInteger(p.document)) {
        throw new ConfigError(`${where}: 'batch.pairs[${k}].document' must be an integer document id, got ${String(p.document)}`);
      }
    });
    const pool: readonly PoolSegment[] =
      batch.pool ?? pairs.flatMap((p) => [{ ids: p.a, document: p.document! }, { ids: p.b, document: p.document! }]);
    if (!Array.isArray(pool) || pool.length === 0) {
      throw new ConfigError(`${where}: 'batch.pool' must be a non-empty array of { ids, document }, got ${describe(pool)}`);
    }

    const labels = new Int32Array(pairs.length);
    const segments = pairs.map((p, k) => {
      const random = rng.nextFloat() < this.randomProbability;
      labels[k] = random ? 1 : 0;
      if (!random) return { a: p.a, b: p.b, swap: false };
      // Only the drawn segments are checked: a pool may be far larger than a batch.
      const j = drawOther(where, k, pool, p.document!, rng);
      return { a: p.a, b: checkSegment(where, `batch.pool[${j}].ids`, pool[j]?.ids), swap: false };
    });
    const { inputs, specialTokensMask } = layoutPairs(this.layout, segments);
    return { inputs, targets: { nspLabels: { shape: [pairs.length], values: labels } }, specialTokensMask };
  }

  /** Mean cross-entropy of the sentence logits [B, 2]; `metrics.sequences` is B. */
  loss(outputs: object, prepared: Prepared): LossResult {
    const labels = readLabels('NextSentence.loss', prepared, 'nspLabels', 1);
    const { loss, count } = labelLoss('NextSentence.loss', outputs, this.logitsKey, labels);
    return { loss, metrics: { sequences: count } };
  }

  getConfig(): Required<Omit<NextSentenceOptions, 'maxLength'>> & { maxLength?: number } {
    const { maxLength, ...layout } = this.layout;
    return {
      ...layout,
      ...(maxLength === undefined ? {} : { maxLength }),
      randomProbability: this.randomProbability,
      name: this.name,
      logitsKey: this.logitsKey,
    };
  }
}

/** Index of a pool segment from a document other than `document`, uniformly among those. */
function drawOther(where: string, k: number, pool: readonly PoolSegment[], document: number, rng: Rng): number {
  const documentOf = (j: number) => {
    const d = pool[j]?.document;
    if (!Number.isInteger(d)) throw new ConfigError(`${where}: 'batch.pool[${j}].document' must be an integer document id, got ${String(d)}`);
    return d;
  };
  for (let t = 0; t < REJECTION_TRIES; t++) {
    const j = rng.nextInt(pool.length);
    if (documentOf(j) !== document) return j;
  }
  // A pool mostly from this document: choose among the others exactly (still uniform, still seeded).
  const others: number[] = [];
  for (let j = 0; j < pool.length; j++) if (documentOf(j) !== document) others.push(j);
  if (others.length === 0) {
    throw new ConfigError(
      `${where}: 'batch.pairs[${k}]' needs a random segment from a document other than ${document}, but every segment of the pool (${pool.length}) is from document ${document}`,
    );
  }
  return others[rng.nextInt(others.length)]!;
}
