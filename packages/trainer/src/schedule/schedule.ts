// The learning-rate schedule interface: the rate for a 0-based step, plus a config to save with a
// checkpoint. Numbers and plain functions are accepted wherever a schedule is.
import { ConfigError } from '@llmkit/core';

/** A learning rate per optimizer step. */
export interface Schedule {
  /** The rate for `step`, counted from 0 (the first update uses `lr(0)`). */
  lr(step: number): number;
  /** Plain data describing the schedule (saved in `trainer.json`). */
  getConfig(): Record<string, unknown>;
}

/** A schedule, a constant rate, or a function of the 0-based step. */
export type ScheduleLike = Schedule | number | ((step: number) => number);

/** The same rate at every step. */
export class ConstantSchedule implements Schedule {
  constructor(readonly rate: number) {
    checkRate('ConstantSchedule', 'rate', rate);
  }

  lr(): number {
    return this.rate;
  }

  getConfig(): Record<string, unknown> {
    return { type: 'constant', rate: this.rate };
  }
}

/** A user function of the step (its source is not saved: `getConfig` says only 'function'). */
export class FunctionSchedule implements Schedule {
  constructor(private readonly fn: (step: number) => number) {
    if (typeof fn !== 'function') throw new ConfigError(`FunctionSchedule: expected a function (step) => lr, got ${typeof fn}`);
  }

  lr(step: number): number {
    return this.fn(step);
  }

  getConfig(): Record<string, unknown> {
    return { type: 'function' };
  }
}

/** A {@link Schedule} from a number, a function or a schedule. */
export function toSchedule(value: ScheduleLike): Schedule {
  if (typeof value === 'number') return new ConstantSchedule(value);
  if (typeof value === 'function') return new FunctionSchedule(value);
  if (typeof value === 'object' && value !== null && typeof value.lr === 'function') return value;
  throw new ConfigError(`schedule: expected a number, a function (step) => lr or a Schedule, got ${value === null ? 'null' : typeof value}`);
}

export function checkRate(where: string, key: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${where}: '${key}' must be a finite number >= 0, got ${String(value)}`);
  }
}

export function checkSteps(where: string, key: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(`${where}: '${key}' must be an integer >= 0, got ${String(value)}`);
  }
}
