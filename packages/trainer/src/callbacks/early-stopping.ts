// Early stopping on the evaluation loss: stop when it has not improved by `minDelta` for `patience`
// evaluations in a row. Its counters are saved in checkpoints, so a resumed run stops where the
// uninterrupted one would.
import { ConfigError } from '@llmkit/core';
import type { Callback, EvalMetrics, TrainerControl } from './callback.js';

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** Evaluations without improvement before stopping (default 3). */
  patience?: number;
  /** The least decrease that counts as an improvement (default 0). */
  minDelta?: number;
}

/**
 * ```ts
 * new Trainer({ ..., evalEvery: 100, evalData, callbacks: [new EarlyStopping({ patience: 5 })] });
 * ```
 */
export class EarlyStopping implements Callback {
  readonly name = 'early-stopping';
  readonly patience: number;
  readonly minDelta: number;
  private best = Infinity;
  private bad = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    this.patience = options.patience ?? 3;
    this.minDelta = options.minDelta ?? 0;
    if (!Number.isSafeInteger(this.patience) || this.patience < 1) {
      throw new ConfigError(`EarlyStopping: 'patience' must be an integer >= 1, got ${String(options.patience)}`);
    }
    if (typeof this.minDelta !== 'number' || !(this.minDelta >= 0)) {
      throw new ConfigError(`EarlyStopping: 'minDelta' must be a number >= 0, got ${String(options.minDelta)}`);
    }
  }

  /** The best evaluation loss so far. */
  get bestLoss(): number {
    return this.best;
  }

  onEval(metrics: EvalMetrics, trainer: TrainerControl): void {
    if (metrics.loss < this.best - this.minDelta) {
      this.best = metrics.loss;
      this.bad = 0;
      return;
    }
    this.bad += 1;
    if (this.bad >= this.patience) {
      trainer.stop(`early stopping: eval loss has not improved on ${this.best} for ${this.bad} evaluations (step ${metrics.step})`);
    }
  }

  getState(): unknown {
    // JSON has no Infinity: null stands for "no evaluation yet".
    return { best: Number.isFinite(this.best) ? this.best : null, bad: this.bad };
  }

  setState(state: unknown): void {
    const { best, bad } = (state ?? {}) as { best?: number | null; bad?: number };
    this.best = typeof best === 'number' ? best : Infinity;
    this.bad = typeof bad === 'number' ? bad : 0;
  }
}
