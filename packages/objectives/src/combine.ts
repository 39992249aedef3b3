// Several objectives as one: their batches prepared in turn, their losses summed with weights, each
// loss also reported on its own. Composition, not inheritance: any Objective fits.
import { ConfigError, tf, type Rng } from '@llmkit/core';
import { checkRng, describe } from './checks.js';
import type { HostTensor, LossResult, Objective, Prepared } from './objective.js';
import { tokenBatchOf, type TokenBatch } from './token-batch.js';

/** The weighted sum of objectives that {@link combine} returns. */
export class CombinedObjective<Batch> implements Objective<Batch> {
  readonly name: string;
  readonly objectives: readonly [Objective<Batch>, ...Objective<TokenBatch>[]];
  readonly weights: Readonly<Record<string, number>>;

  constructor(objectives: readonly [Objective<Batch>, ...Objective<TokenBatch>[]], weights?: Readonly<Record<string, number>>) {
    const where = 'combine';
    if (!Array.isArray(objectives) || objectives.length === 0) {
      throw new ConfigError(`${where}: 'objectives' must be a non-empty array such as [sop, mlm], got ${describe(objectives)}`);
    }
    const names = objectives.map((o, i) => {
      if (typeof o?.prepare !== 'function' || typeof o.loss !== 'function' || typeof o.name !== 'string') {
        throw new ConfigError(`${where}: 'objectives[${i}]' must be an Objective { name, prepare, loss, getConfig }, got ${describe(o)}`);
      }
      return o.name;
    });
    const repeated = names.find((n, i) => names.indexOf(n) !== i);
    if (repeated !== undefined) {
      throw new ConfigError(`${where}: objective names must differ (each names a part of the loss); '${repeated}' appears twice in [${names.join(', ')}]`);
    }
    const w: Record<string, number> = {};
    if (weights !== undefined) {
      if (typeof weights !== 'object' || weights === null) throw new ConfigError(`${where}: 'weights' must be an object such as { mlm: 1, sop: 1 }, got ${describe(weights)}`);
      const extra = Object.keys(weights).filter((k) => !names.includes(k));
      if (extra.length > 0) {
        throw new ConfigError(`${where}: 'weights' names ${extra.map((k) => `'${k}'`).join(', ')}, but the objectives are [${names.join(', ')}]`);
      }
    }
    for (const name of names) {
      const value = weights?.[name] ?? 1;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new ConfigError(`${where}: 'weights.${name}' must be a finite number >= 0, got ${describe(value)}`);
      }
      w[name] = value;
    }
    this.objectives = [...objectives] as unknown as readonly [Objective<Batch>, ...Objective<TokenBatch>[]];
    this.weights = w;
    this.name = names.join('+');
  }

  /**
   * The first objective prepares `batch`; each later one rewrites the token rows prepared so far
   * (its inputs replace theirs) and adds its targets. All draw from `rng`, in that order.
   */
  prepare(batch: Batch, rng: Rng): Prepared {
    checkRng('combine.prepare', rng);
    const [first, ...rest] = this.objectives;
    let prepared = first.prepare(batch, rng);
    const owner: Record<string, string> = Object.fromEntries(Object.keys(prepared.targets).map((k) => [k, first.name]));
    for (const objective of rest) {
      const next = objective.prepare(tokenBatchOf(`combine.prepare (before '${objective.name}')`, prepared), rng);
      const targets: Record<string, HostTensor> = { ...prepared.targets };
      for (const [key, value] of Object.entries(next.targets)) {
        if (key in targets) {
          throw new ConfigError(`combine.prepare: '${owner[key]}' and '${objective.name}' both produce target '${key}'; only one of them can be combined`);
        }
        targets[key] = value;
        owner[key] = objective.name;
      }
      const specialTokensMask = next.specialTokensMask ?? prepared.specialTokensMask;
      prepared = { inputs: { ...prepared.inputs, ...next.inputs }, targets, ...(specialTokensMask ? { specialTokensMask } : {}) };
    }
    return prepared;
  }

  /**
   * `loss` = Σ weight × each objective's loss; `parts[name]` is each objective's own (unweighted)
   * loss, and its parts and metrics are kept under `name.key`.
   *
   * `metrics.tokens` (unprefixed, what gradient accumulation weights micro-batches by) is the sum
   * of the `tokens` of the token-level parts, those that report one; absent when none does. With
   * one token-level part (MLM + SOP/NSP, CLM + a sequence-level loss) it is that part's count, so
   * that part accumulates exactly as it would alone, and the sentence-level parts are weighted by
   * it too. HF's Trainer counts a BertForPreTraining batch the same way: its `num_items_in_batch`
   * is the number of MLM `labels` != -100, never `next_sentence_label`. No single weight makes two
   * means over different counts both exact; see the README.
   */
  loss(outputs: object, prepared: Prepared): LossResult {
    const metrics: Record<string, number> = {};
    let tokens: number | undefined;
    // Returned from the tidy (not tf.keep'd), so an enclosing tidy or tf.variableGrads still frees them.
    const { loss, parts } = tf.tidy(() => {
      const parts: Record<string, tf.Scalar> = {};
      const terms: tf.Tensor[] = [];
      for (const objective of this.objectives) {
        const result = objective.loss(outputs, prepared);
        parts[objective.name] = result.loss;
        for (const [key, part] of Object.entries(result.parts ?? {})) parts[`${objective.name}.${key}`] = part;
        for (const [key, value] of Object.entries(result.metrics ?? {})) metrics[`${objective.name}.${key}`] = value;
        const count = result.metrics?.tokens;
        if (count !== undefined) tokens = (tokens ?? 0) + count;
        terms.push(tf.mul(result.loss, this.weights[objective.name]!));
      }
      const loss = (terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Scalar;
      return { loss, parts };
    });
    if (tokens !== undefined) metrics.tokens = tokens;
    return { loss, parts, metrics };
  }

  /** Each objective's class and config, in order, and the weights. */
  getConfig(): { objectives: { type: string; config: Record<string, unknown> }[]; weights: Record<string, number> } {
    return {
      objectives: this.objectives.map((o) => ({ type: o.constructor.name, config: o.getConfig() })),
      weights: { ...this.weights },
    };
  }
}

/**
 * Objectives trained together, e.g. BERT's MLM + NSP or ALBERT's MLM + SOP. The first one builds the
 * rows from the batch; the ones after it take those rows as a TokenBatch (so `MaskedLM` masks the
 * `[CLS] A [SEP] B [SEP]` rows `SentenceOrder` built, never touching the specials). `weights` are keyed by
 * objective name, default 1 each.
 *
 * ```ts
 * const objective = combine([new SentenceOrder({ clsTokenId, sepTokenId }), new MaskedLM({ vocabSize, maskTokenId })], { mlm: 1, sop: 1 });
 * const { loss, parts } = computeLoss((x) => bert.forward(x), objective, objective.prepare({ pairs }, rng));
 * // parts.mlm, parts.sop: each objective's own loss
 * ```
 */
export function combine<Batch>(
  objectives: readonly [Objective<Batch>, ...Objective<TokenBatch>[]],
  weights?: Readonly<Record<string, number>>,
): CombinedObjective<Batch> {
  return new CombinedObjective(objectives, weights);
}
