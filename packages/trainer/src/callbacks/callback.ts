// The callback interface of the training loop and the metrics it passes: every hook is optional and
// may be async; a callback with state (early stopping) saves it in the checkpoint through getState.
/** What one optimizer step reports. */
export interface StepMetrics {
  /** The 1-based step just completed. */
  step: number;
  /** The loss of this step's batch (over every micro-batch), before the update. */
  loss: number;
  /** Each part of a combined objective's loss (`mlm`, `sop`), averaged like `loss`. */
  parts?: Record<string, number>;
  /** The learning rate the update used. */
  lr: number;
  /** Global L2 norm of the gradients, before clipping. */
  gradNorm: number;
  /** Real (non-padding) tokens in this step's batches. */
  tokens: number;
  /** Wall-clock seconds the step took. */
  seconds: number;
  /** True when a loss scaler found non-finite gradients and the update was skipped. */
  skipped?: boolean;
}

/** What an evaluation reports. */
export interface EvalMetrics {
  /** The step after which it ran. */
  step: number;
  /** Mean loss over the evaluation batches (weighted by each batch's tokens when the objective counts them). */
  loss: number;
  /** exp(loss). */
  perplexity: number;
  /** Parts of a combined objective, averaged like `loss`. */
  parts?: Record<string, number>;
  /** Batches evaluated. */
  batches: number;
  seconds: number;
}

/** What a written checkpoint reports. */
export interface CheckpointInfo {
  step: number;
  /** The checkpoint's own directory (`<checkpointDir>/step-000100`). */
  dir: string;
}

/** Why `fit` returned. */
export type StopReason = 'max steps' | 'data exhausted' | 'stopped';

/** What the loop tells callbacks at the start and end of `fit`. */
export interface TrainInfo {
  /** The step training starts (or resumed) from: completed steps so far. */
  startStep: number;
  /** The step `fit` stops at (Infinity without maxSteps). */
  maxSteps: number;
}

/** The part of the trainer a callback may use. */
export interface TrainerControl {
  /** Completed optimizer steps. */
  readonly stepCount: number;
  /** Asks `fit` to stop after the current step (a final checkpoint is still written). */
  stop(reason?: string): void;
}

/**
 * Hooks into `Trainer.fit`. All optional; a promise is awaited before training goes on.
 *
 * ```ts
 * const printer: Callback = { onEval: (m) => console.log(`step ${m.step}: val ${m.loss.toFixed(3)}`) };
 * ```
 */
export interface Callback {
  /** Names the callback's entry in `trainer.json` (for getState); default its index. */
  readonly name?: string;
  onTrainBegin?(info: TrainInfo, trainer: TrainerControl): void | Promise<void>;
  onStep?(metrics: StepMetrics, trainer: TrainerControl): void | Promise<void>;
  onEval?(metrics: EvalMetrics, trainer: TrainerControl): void | Promise<void>;
  onCheckpoint?(info: CheckpointInfo, trainer: TrainerControl): void | Promise<void>;
  onTrainEnd?(summary: { step: number; reason: StopReason; message?: string }, trainer: TrainerControl): void | Promise<void>;
  /** JSON state saved with each checkpoint, restored on resume. */
  getState?(): unknown;
  setState?(state: unknown): void;
}
