// Masked language modelling (BERT) with dynamic masking: a fresh mask for every batch, drawn on the
// host from a seeded Rng in a fixed order, so one seed gives one mask on every backend.
import { ConfigError, type Rng } from '@llmkit/core';
import { checkInteger, checkName, checkProbability, checkRng, describe, readLabels } from './checks.js';
import { labelLoss } from './label-loss.js';
import { IGNORE_INDEX, type LossResult, type Objective, type Prepared } from './objective.js';
import { readTokenBatch, tokenInputs, type TokenBatch } from './token-batch.js';
import { readTokenizerIds, requireId, specialIds, type TokenizerIds } from './tokenizer-ids.js';

/** Options of {@link MaskedLM}. */
export interface MaskedLMOptions {
  /** Vocabulary size: random replacements are drawn from [0, vocabSize). */
  vocabSize: number;
  /** Id of `[MASK]`. */
  maskTokenId: number;
  /**
   * Ids of special tokens ([CLS], [SEP], [PAD], [UNK], …): never drawn as random replacements,
   * and never masked even where the batch has no `specialTokensMask`. `maskTokenId` is always excluded.
   */
  specialTokenIds?: readonly number[];
  /** Chance that a maskable token (or word) is chosen for prediction (default 0.15). */
  maskProbability?: number;
  /** Of the chosen tokens, the share replaced by `[MASK]` (default 0.8). */
  maskReplaceProbability?: number;
  /** Of the chosen tokens, the share replaced by a random token (default 0.1); the rest stay as they are. */
  randomReplaceProbability?: number;
  /**
   * Choose whole words rather than tokens: every token of a chosen word is predicted. Words come
   * from `batch.wordIds` when given, else from `isContinuation` (default false).
   */
  wholeWordMask?: boolean;
  /** For whole-word masking without word ids: true for a token that continues the word before it (WordPiece's `##x`). */
  isContinuation?: (tokenId: number) => boolean;
  /** Part name in {@link combine} (default `'mlm'`). */
  name?: string;
  /** The model output holding the token logits [B, T, V] (default `'logits'`). */
  logitsKey?: string;
}

/**
 * `isContinuation` for a WordPiece vocabulary (index = id): true for tokens that start with `##`.
 *
 * ```ts
 * new MaskedLM({ vocabSize, maskTokenId, wholeWordMask: true, isContinuation: wordPieceContinuation(vocab) });
 * ```
 */
export function wordPieceContinuation(vocab: readonly string[], prefix = '##'): (tokenId: number) => boolean {
  return (id) => vocab[id]?.startsWith(prefix) ?? false;
}

/**
 * BERT's masked-LM objective. Each token that is real (attention 1), not special
 * (`specialTokensMask` 0, id not in `specialTokenIds`) is chosen with probability
 * `maskProbability`, independently (or each whole word, with `wholeWordMask`). A chosen token
 * becomes `[MASK]` (80%), a random non-special token (10%) or stays (10%), and its label is the
 * original id; every other label is -100, so the loss is the mean cross-entropy over the chosen
 * positions only.
 *
 * ```ts
 * const mlm = new MaskedLM({ vocabSize: 30522, maskTokenId: 103, specialTokenIds: [0, 100, 101, 102, 103] });
 * const batch = tokenizer.encodeBatch(texts, { padding: true, returnSpecialTokensMask: true });
 * const prepared = mlm.prepare(batch, rng);   // a new mask each call; the same for the same rng state
 * ```
 */
export class MaskedLM implements Objective<TokenBatch> {
  readonly name: string;
  private readonly options: Required<Omit<MaskedLMOptions, 'isContinuation' | 'specialTokenIds'>> & {
    specialTokenIds: readonly number[];
    isContinuation: ((tokenId: number) => boolean) | undefined;
  };
  /** 1 for ids that are never masked nor drawn: specials and [MASK]. */
  private readonly special: Uint8Array;
  /** The ids random replacement draws from, uniformly. */
  private readonly replacements: Int32Array;
  /** `isContinuation` tabulated over the vocabulary (empty when not given). */
  private readonly continuation: Uint8Array;

  constructor(options: MaskedLMOptions) {
    const where = 'MaskedLM';
    if (typeof options !== 'object' || options === null) {
      throw new ConfigError(`${where}: options must be an object with vocabSize and maskTokenId, got ${describe(options)}`);
    }
    const vocabSize = checkInteger(where, 'vocabSize', options.vocabSize, 1, 2 ** 31 - 1);
    const maskTokenId = checkInteger(where, 'maskTokenId', options.maskTokenId, 0, vocabSize - 1);
    const specialTokenIds = options.specialTokenIds ?? [];
    if (!Array.isArray(specialTokenIds)) {
      throw new ConfigError(`${where}: 'specialTokenIds' must be an array of token ids, got ${describe(specialTokenIds)}`);
    }
    specialTokenIds.forEach((id, i) => checkInteger(where, `specialTokenIds[${i}]`, id, 0, vocabSize - 1));
    const maskReplaceProbability = checkProbability(where, 'maskReplaceProbability', options.maskReplaceProbability ?? 0.8);
    const randomReplaceProbability = checkProbability(where, 'randomReplaceProbability', options.randomReplaceProbability ?? 0.1);
    if (maskReplaceProbability + randomReplaceProbability > 1 + 1e-12) {
      throw new ConfigError(
        `${where}: 'maskReplaceProbability' + 'randomReplaceProbability' must be at most 1, got ${maskReplaceProbability} + ${randomReplaceProbability}`,
      );
    }
    if (options.isContinuation !== undefined && typeof options.isContinuation !== 'function') {
      throw new ConfigError(`${where}: 'isContinuation' must be a function (tokenId) => boolean, got ${describe(options.isContinuation)}`);
    }
    this.name = checkName(where, options.name ?? 'mlm');
    this.options = {
      vocabSize,
      maskTokenId,
      specialTokenIds: [...specialTokenIds],
      maskProbability: checkProbability(where, 'maskProbability', options.maskProbability ?? 0.15),
      maskReplaceProbability,
      randomReplaceProbability,
      wholeWordMask: Boolean(options.wholeWordMask ?? false),
      isContinuation: options.isContinuation,
      name: this.name,
      logitsKey: checkName(where, options.logitsKey ?? 'logits'),
    };

    this.special = new Uint8Array(vocabSize);
    this.special[maskTokenId] = 1;
    for (const id of specialTokenIds) this.special[id] = 1;
    this.replacements = new Int32Array(vocabSize - this.special.reduce((n, s) => n + s, 0));
    for (let id = 0, k = 0; id < vocabSize; id++) if (!this.special[id]) this.replacements[k++] = id;
    if (this.replacements.length === 0 && randomReplaceProbability > 0) {
      throw new ConfigError(`${where}: 'randomReplaceProbability' is ${randomReplaceProbability} but every id in [0, ${vocabSize}) is special`);
    }
    this.continuation = new Uint8Array(options.isContinuation ? vocabSize : 0);
    if (options.isContinuation) for (let id = 0; id < vocabSize; id++) this.continuation[id] = options.isContinuation(id) ? 1 : 0;
  }

  /**
   * A MaskedLM for a tokenizer's vocabulary: `vocabSize` and `maskTokenId` from
   * `tokenizer.tokenIds()`, and every special token it has (pad, unk, bos, eos, cls, sep, mask)
   * never masked nor drawn, besides any `options.specialTokenIds`.
   *
   * ```ts
   * const mlm = MaskedLM.fromTokenizer(tokenizer.tokenIds(), { wholeWordMask: true, isContinuation });
   * ```
   * @throws ConfigError naming the field, or when the tokenizer has no mask token.
   */
  static fromTokenizer(ids: TokenizerIds, options: Omit<MaskedLMOptions, 'vocabSize' | 'maskTokenId'> = {}): MaskedLM {
    const where = 'MaskedLM.fromTokenizer';
    const t = readTokenizerIds(where, ids);
    const extra = (options as MaskedLMOptions | null)?.specialTokenIds ?? [];
    if (!Array.isArray(extra)) throw new ConfigError(`${where}: 'specialTokenIds' must be an array of token ids, got ${describe(extra)}`);
    return new MaskedLM({
      ...options,
      vocabSize: t.vocabSize,
      maskTokenId: requireId(where, t, 'maskTokenId', 'mask'),
      specialTokenIds: [...new Set([...specialIds(t), ...extra])],
    });
  }

  /**
   * Inputs `{ inputIds (masked), attentionMask, tokenTypeIds? }` and targets `{ mlmLabels }` (the
   * original id where chosen, else -100), int32 [B, T]. Draws from `rng` row by row, left to right:
   * one float per maskable token (or word), then one float per chosen token and one integer per
   * random replacement.
   */
  prepare(batch: TokenBatch, rng: Rng): Prepared {
    const where = 'MaskedLM.prepare';
    checkRng(where, rng);
    const rows = readTokenBatch(where, batch);
    const { batchSize, length, attentionMask, specialTokensMask, wordIds } = rows;
    const o = this.options;
    const byWordIds = o.wholeWordMask && wordIds !== undefined;
    if (o.wholeWordMask && !byWordIds && !o.isContinuation) {
      throw new ConfigError(`${where}: 'wholeWordMask' needs 'batch.wordIds' or the 'isContinuation' option; got neither`);
    }
    const inputIds = Int32Array.from(rows.inputIds);
    const labels = new Int32Array(inputIds.length).fill(IGNORE_INDEX);
    const maskUpTo = o.maskReplaceProbability;
    const randomUpTo = o.maskReplaceProbability + o.randomReplaceProbability;

    for (let row = 0; row < batchSize; row++) {
      let prevChosen = false;
      let prevMaskable = false;
      for (let pos = 0; pos < length; pos++) {
        const i = row * length + pos;
        const id = inputIds[i]!;
        const real = attentionMask === undefined || attentionMask[i] !== 0;
        if (real && !(Number.isInteger(id) && id >= 0 && id < o.vocabSize)) {
          throw new ConfigError(`${where}: 'batch.inputIds[${i}]' must be a token id in [0, ${o.vocabSize}), got ${id}`);
        }
        const maskable = real && !(specialTokensMask !== undefined && specialTokensMask[i] !== 0) && this.special[id] === 0;
        if (!maskable) {
          prevMaskable = false;
          continue;
        }
        let continues = false;
        if (o.wholeWordMask && prevMaskable) {
          continues = byWordIds ? wordIds![i]! >= 0 && wordIds![i] === wordIds![i - 1] : this.continuation[id] === 1;
        }
        const chosen: boolean = continues ? prevChosen : rng.nextFloat() < o.maskProbability;
        prevChosen = chosen;
        prevMaskable = true;
        if (!chosen) continue;
        labels[i] = id;
        const r = rng.nextFloat();
        if (r < maskUpTo) inputIds[i] = o.maskTokenId;
        else if (r < randomUpTo) inputIds[i] = this.replacements[rng.nextInt(this.replacements.length)]!;
      }
    }
    return {
      inputs: tokenInputs(rows, inputIds),
      targets: { mlmLabels: { shape: [batchSize, length], values: labels } },
      ...(specialTokensMask ? { specialTokensMask: Uint8Array.from(specialTokensMask) } : {}),
    };
  }

  /** Mean cross-entropy over the chosen positions only; `metrics.tokens` is how many there were. */
  loss(outputs: object, prepared: Prepared): LossResult {
    const labels = readLabels('MaskedLM.loss', prepared, 'mlmLabels', 2);
    const { loss, count } = labelLoss('MaskedLM.loss', outputs, this.options.logitsKey, labels);
    return { loss, metrics: { tokens: count } };
  }

  /** The options, defaults filled in (`isContinuation`, when given, is a function: not JSON). */
  getConfig(): MaskedLMOptions & Record<string, unknown> {
    const { isContinuation, ...rest } = this.options;
    return { ...rest, specialTokenIds: [...rest.specialTokenIds], ...(isContinuation ? { isContinuation } : {}) };
  }
}
