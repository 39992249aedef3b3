// A trainer callback that runs an evaluation every N optimizer steps and logs it. Typed
// structurally (a `name` and an `onStep(metrics, trainer)`), as @llmkit/trainer's Callback is, so
// eval does not import the trainer.
import { ConfigError } from '@llmkit/core';
import type { EvaluationResult } from './evaluate.js';

export interface EvaluationCallbackOptions {
  /** Run after every `every`-th step (steps are 1-based). */
  every: number;
  /** The evaluation to run, e.g. `() => evaluate({ model, tokenizer, data, metrics })`. */
  run: () => Promise<EvaluationResult>;
  /** Where each result goes (default: one console line of `key value` pairs). */
  log?: (step: number, result: EvaluationResult) => void;
  /** Also evaluate when training ends, unless the last step was just evaluated (default true). */
  atEnd?: boolean;
  name?: string;
}

/** The part of @llmkit/trainer's Callback this callback implements. */
export interface EvaluationCallback {
  readonly name: string;
  /** Every result so far, oldest first. */
  readonly history: { step: number; result: EvaluationResult }[];
  onStep(metrics: { step: number }): Promise<void>;
  onTrainEnd(summary: { step: number }): Promise<void>;
  getState(): unknown;
  setState(state: unknown): void;
}

function defaultLog(step: number, result: EvaluationResult): void {
  const parts = Object.entries(result.metrics).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`);
  console.log(`[eval] step ${step}: ${parts.join(', ')}`);
}

/**
 * ```ts
 * const trainer = new Trainer({ …, callbacks: [evaluationCallback({ every: 100, run: () => evaluate({ model, tokenizer, data, metrics }) })] });
 * ```
 */
export function evaluationCallback(options: EvaluationCallbackOptions): EvaluationCallback {
  if (!options || !Number.isInteger(options.every) || options.every < 1) throw new ConfigError(`evaluationCallback: 'every' must be a positive integer; got ${String(options?.every)}`);
  if (typeof options.run !== 'function') throw new ConfigError(`evaluationCallback: 'run' must be a function returning evaluate(...)'s promise`);
  const log = options.log ?? defaultLog;
  const history: { step: number; result: EvaluationResult }[] = [];
  let lastStep = -1;
  const runAt = async (step: number) => {
    const result = await options.run();
    history.push({ step, result });
    lastStep = step;
    log(step, result);
  };
  return {
    name: options.name ?? 'evaluation',
    history,
    async onStep({ step }) {
      if (step % options.every === 0) await runAt(step);
    },
    async onTrainEnd({ step }) {
      if ((options.atEnd ?? true) && step !== lastStep) await runAt(step);
    },
    // Only the history is state: on resume, earlier results stay in the log.
    getState: () => history.map(({ step, result }) => ({ step, metrics: result.metrics })),
    setState(state: unknown) {
      if (!Array.isArray(state)) throw new ConfigError(`evaluationCallback.setState: expected the array getState() returned; got ${typeof state}`);
      history.splice(0, history.length, ...state.map((s: { step: number; metrics: Record<string, number> }) => ({ step: s.step, result: { metrics: s.metrics, examples: 0, seconds: {} } })));
      lastStep = history.at(-1)?.step ?? -1;
    },
  };
}
