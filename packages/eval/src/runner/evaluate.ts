// The evaluation runner: runs tasks (perplexity, generation metrics, classification metrics, …) on
// one model, tokenizer and data set, and returns one plain object of numbers (optionally written as JSON).
import { ConfigError } from '@llmkit/core';

/** What every task receives. `model` and `tokenizer` are passed through untouched. */
export interface EvalContext<M = unknown, T = unknown, E = unknown> {
  model: M;
  tokenizer: T;
  data: readonly E[];
}

/** One evaluation: a name (the prefix of its keys) and a function from the context to numbers. */
export interface EvalTask<M = any, T = any, E = any> {
  readonly name: string;
  run(context: EvalContext<M, T, E>): Promise<Record<string, number>>;
}

export interface EvaluateOptions<M, T, E> extends EvalContext<M, T, E> {
  /**
   * Tasks to run, in order; their names must be distinct. Each reads the example fields it needs
   * (`text`, `prompt`/`reference`, `label`, `tags`) and checks them when it runs.
   */
  metrics: readonly EvalTask<M, T, any>[];
  /** Write the result as JSON to this path (Node only). */
  outFile?: string;
}

export interface EvaluationResult {
  /** `<task name>/<metric>` → value. */
  metrics: Record<string, number>;
  /** Examples in the data set. */
  examples: number;
  /** Wall-clock seconds per task and in total. */
  seconds: Record<string, number>;
}

/**
 * Runs every task and gathers their numbers under `<task>/<metric>` keys.
 *
 * ```ts
 * const result = await evaluate({ model: gpt, tokenizer, data, metrics: [perplexityTask(), generationTask({ metrics: ['bleu'] })] });
 * result.metrics['perplexity/perplexity'];
 * ```
 */
export async function evaluate<M, T, E>(options: EvaluateOptions<M, T, E>): Promise<EvaluationResult> {
  if (!options || typeof options !== 'object') throw new ConfigError(`evaluate: options must be an object; got ${String(options)}`);
  const { model, tokenizer, data, metrics, outFile } = options;
  if (!Array.isArray(data) || data.length === 0) throw new ConfigError(`evaluate: 'data' must be a non-empty array of examples; got ${Array.isArray(data) ? 'an empty array' : typeof data}`);
  if (!Array.isArray(metrics) || metrics.length === 0) throw new ConfigError(`evaluate: 'metrics' must be a non-empty array of tasks (perplexityTask(), generationTask(), …)`);
  const names = new Set<string>();
  metrics.forEach((m, i) => {
    if (!m || typeof m.name !== 'string' || typeof m.run !== 'function') throw new ConfigError(`evaluate: 'metrics[${i}]' must be a task { name, run }; got ${typeof m}`);
    if (names.has(m.name)) throw new ConfigError(`evaluate: two tasks are named '${m.name}'; names must be distinct`);
    names.add(m.name);
  });
  const result: EvaluationResult = { metrics: {}, examples: data.length, seconds: {} };
  const start = performance.now();
  for (const task of metrics) {
    const t0 = performance.now();
    const values = await task.run({ model, tokenizer, data });
    for (const [k, v] of Object.entries(values)) {
      if (typeof v !== 'number') throw new ConfigError(`evaluate: task '${task.name}' returned a non-number for '${k}': ${typeof v}`);
      result.metrics[`${task.name}/${k}`] = v;
    }
    result.seconds[task.name] = (performance.now() - t0) / 1000;
  }
  result.seconds.total = (performance.now() - start) / 1000;
  if (outFile !== undefined) {
    if (typeof outFile !== 'string' || outFile.length === 0) throw new ConfigError(`evaluate: 'outFile' must be a non-empty path; got ${String(outFile)}`);
    const { mkdir, writeFile } = await import('node:fs/promises');
    const { dirname } = await import('node:path');
    await mkdir(dirname(outFile), { recursive: true });
    await writeFile(outFile, JSON.stringify(result, null, 2) + '\n');
  }
  return result;
}
