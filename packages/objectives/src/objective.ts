// The one interface every objective implements, and the host-side shapes it passes around:
// `prepare` turns a batch into model inputs and targets on the host, `loss` reads the model's outputs.
import type { Rng, tf } from '@llmkit/core';

/** Label value that a loss skips (PyTorch's `ignore_index`): positions with nothing to predict. */
export const IGNORE_INDEX = -100;

/**
 * A tensor's values on the host, row-major. `Int32Array` values become int32 tensors and
 * `Float32Array` values float32 ones (see {@link toTensors}).
 */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly values: Int32Array | Float32Array;
}

/**
 * What {@link Objective.prepare} returns: everything for one step, still on the host, so the same
 * seed gives the same arrays on every backend and a data loader can prepare batches ahead.
 */
export interface Prepared {
  /** The model's inputs by name (`inputIds`, `attentionMask`, `tokenTypeIds`: int32 `[B, T]`). */
  readonly inputs: Readonly<Record<string, HostTensor>>;
  /** What the loss compares the outputs with, by name (`mlmLabels`, `sopLabels`, …). */
  readonly targets: Readonly<Record<string, HostTensor>>;
  /**
   * 1 where `inputs.inputIds` holds a special token or padding, for an objective that rewrites
   * the tokens after this one (in {@link combine}, `MaskedLM` after `SentenceOrder`). Never sent to the model.
   */
  readonly specialTokensMask?: Uint8Array;
}

/** What {@link Objective.loss} returns. Every tensor is new: the caller disposes it (or a `tf.tidy` does). */
export interface LossResult {
  /** The scalar to minimise. */
  loss: tf.Scalar;
  /** Named scalar components of `loss` for logging (in {@link combine}: each objective's unweighted loss). */
  parts?: Record<string, tf.Scalar>;
  /**
   * Numbers known on the host without reading the device, e.g. `tokens`: how many positions the
   * mean ran over, which gradient accumulation needs to weight steps.
   */
  metrics?: Record<string, number>;
}

/**
 * A training objective. Implementations are stateless between batches: all randomness comes from
 * the `rng` passed to `prepare`, drawn in a fixed order, so one `Rng` state gives one batch.
 *
 * ```ts
 * const prepared = objective.prepare(batch, rng);           // host-side, no tensors
 * const { loss } = computeLoss((x) => model.forward(x), objective, prepared);
 * ```
 */
export interface Objective<Batch = unknown> {
  /** Short name, used as the key of this objective's part in {@link combine} (`'mlm'`, `'sop'`). */
  readonly name: string;
  /**
   * Model inputs and targets for one batch; must not modify `batch`. Declared as a function-typed
   * property, not a method, so that `Batch` is checked contravariantly: an `Objective<TokenBatch>`
   * (CausalLM) is not an `Objective<SentencePairBatch>`, and a trainer given segment pairs for
   * CausalLM fails to compile (method parameters would be compared bivariantly).
   */
  readonly prepare: (batch: Batch, rng: Rng) => Prepared;
  /**
   * The loss from the model's outputs (an object of named tensors, e.g. `{ logits }`) and what
   * `prepare` returned. Must leave no tensors behind other than those it returns.
   */
  loss(outputs: object, prepared: Prepared): LossResult;
  /** The options this objective was built with, as plain data: `new X(x.getConfig())` rebuilds it. */
  getConfig(): Record<string, unknown>;
}

/** The tensors a model is called with: at least `inputIds` and `attentionMask`, int32 `[B, T]`. */
export interface ModelInputs {
  inputIds: tf.Tensor;
  attentionMask: tf.Tensor;
  tokenTypeIds?: tf.Tensor;
  [name: string]: tf.Tensor | undefined;
}

/**
 * Anything that maps named input tensors to an object of named output tensors, e.g.
 * `(x) => gpt.forward(x)` (`{ logits }`) or `(x) => bert.forward(x)` (`{ logits, seqRelationshipLogits }`).
 */
export type Model = (inputs: ModelInputs) => object;
