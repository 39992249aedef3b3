// Linear warmup, then a linear or cosine decay to a floor: nanoGPT's `get_lr` (cosine) and its
// linear sibling. The formulas follow nanoGPT's train.py exactly, so a port of a nanoGPT config
// gives the same rates.
import { ConfigError } from '@llmkit/core';
import { checkRate, checkSteps, type Schedule } from './schedule.js';

/** Options of {@link CosineSchedule} and {@link LinearSchedule}. */
export interface WarmupDecayOptions {
  /** The peak rate, reached after warmup (nanoGPT's `learning_rate`). */
  maxLr: number;
  /** The floor after decay (nanoGPT's `min_lr`; default maxLr / 10). */
  minLr?: number;
  /** Steps of linear warmup (`warmup_iters`; default 0). */
  warmupSteps?: number;
  /** The step at which the decay reaches `minLr` (`lr_decay_iters`); the rate stays there after. */
  decaySteps: number;
}

abstract class WarmupDecay implements Schedule {
  readonly maxLr: number;
  readonly minLr: number;
  readonly warmupSteps: number;
  readonly decaySteps: number;

  constructor(where: string, options: WarmupDecayOptions) {
    const { maxLr, minLr = maxLr / 10, warmupSteps = 0, decaySteps } = options;
    checkRate(where, 'maxLr', maxLr);
    checkRate(where, 'minLr', minLr);
    checkSteps(where, 'warmupSteps', warmupSteps);
    checkSteps(where, 'decaySteps', decaySteps);
    if (decaySteps < warmupSteps) {
      throw new ConfigError(`${where}: 'decaySteps' must be >= warmupSteps = ${warmupSteps}, got ${decaySteps}`);
    }
    this.maxLr = maxLr;
    this.minLr = minLr;
    this.warmupSteps = warmupSteps;
    this.decaySteps = decaySteps;
  }

  /** How far the decay has gone, in [0, 1]. */
  protected abstract coefficient(decayRatio: number): number;
  protected abstract readonly type: string;

  lr(step: number): number {
    // nanoGPT: `learning_rate * (it + 1) / (warmup_iters + 1)`, so step 0 already has a small rate.
    if (step < this.warmupSteps) return (this.maxLr * (step + 1)) / (this.warmupSteps + 1);
    if (step > this.decaySteps) return this.minLr;
    const span = this.decaySteps - this.warmupSteps;
    const ratio = span === 0 ? 1 : (step - this.warmupSteps) / span;
    return this.minLr + this.coefficient(ratio) * (this.maxLr - this.minLr);
  }

  getConfig(): Record<string, unknown> {
    return { type: this.type, maxLr: this.maxLr, minLr: this.minLr, warmupSteps: this.warmupSteps, decaySteps: this.decaySteps };
  }
}

/**
 * Linear warmup to `maxLr`, then cosine decay to `minLr` at `decaySteps` (nanoGPT's `get_lr`).
 *
 * ```ts
 * const schedule = new CosineSchedule({ maxLr: 1e-3, minLr: 1e-4, warmupSteps: 100, decaySteps: 2000 });
 * ```
 */
export class CosineSchedule extends WarmupDecay {
  protected readonly type = 'cosine';
  constructor(options: WarmupDecayOptions) {
    super('CosineSchedule', options);
  }
  protected coefficient(ratio: number): number {
    return 0.5 * (1 + Math.cos(Math.PI * ratio));
  }
}

/** Linear warmup to `maxLr`, then linear decay to `minLr` at `decaySteps`. */
export class LinearSchedule extends WarmupDecay {
  protected readonly type = 'linear';
  constructor(options: WarmupDecayOptions) {
    super('LinearSchedule', options);
  }
  protected coefficient(ratio: number): number {
    return 1 - ratio;
  }
}
