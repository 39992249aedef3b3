// The trainer's own errors: training that produced a non-finite number. Checkpoint problems are
// @llmkit/layers' CheckpointError, so one class covers every checkpoint folder.
import { LlmkitError } from '@llmkit/core';

/** What turned non-finite: the loss of a step, or the global norm of its gradients. */
export type DivergedValue = 'loss' | 'gradient norm' | 'eval loss';

/**
 * A step produced NaN or ±Infinity (the update was not applied and no checkpoint is written after
 * it, so the last checkpoint on disk is the last good state), or an evaluation did.
 */
export class TrainingDivergedError extends LlmkitError {
  /** The 1-based step that diverged (for `'eval loss'`: the step the evaluation followed). */
  readonly step: number;
  /** Which value was not finite. */
  readonly value: DivergedValue;
  /** The value itself (NaN, Infinity or -Infinity). */
  readonly actual: number;

  /** For `'eval loss'`: the evaluation data. */
  readonly source: string | undefined;

  constructor(step: number, value: DivergedValue, actual: number, source?: string) {
    super(
      value === 'eval loss'
        ? `evaluation after step ${step} diverged: the loss on ${source ?? 'the evaluation data'} is ${actual}; expected a finite number`
        : `training diverged at step ${step}: ${value} is ${actual}; expected a finite number (no update applied, no checkpoint written)`,
    );
    this.source = source;
    this.step = step;
    this.value = value;
    this.actual = actual;
  }
}
