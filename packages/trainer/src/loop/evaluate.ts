// Evaluation: the objective's loss over held-out batches with the model in eval mode (no dropout)
// and no gradients, weighted by each batch's token count when the objective reports one. Every
// pass starts from the first batch, so repeated evaluations of one model agree exactly.
import { Rng, tf, type Module } from '@llmkit/core';
import { computeLoss, type Objective } from '@llmkit/objectives';
import type { EvalMetrics } from '../callbacks/callback.js';
import { DataError } from '../data/errors.js';
import { TrainingDivergedError } from '../errors.js';
import { describeEvalSource, evalPass, type EvalSource } from './data-source.js';

export interface EvaluateOptions<B = unknown> {
  model: Module & { forward(inputs: never): object };
  objective: Objective<B>;
  /** Rewound before the pass (see {@link EvalSource}). */
  data: EvalSource<B>;
  /** Stop after this many batches (default: all). */
  maxBatches?: number;
  /** Masks and swaps for evaluation come from a fresh `Rng(seed)`: the same at every evaluation. */
  seed?: number;
  step?: number;
}

/**
 * Mean loss and perplexity over `data`, from its first batch. Restores the model's training mode.
 * @throws DataError when the source gives no batch (or only batches with nothing to predict).
 * @throws TrainingDivergedError (`value: 'eval loss'`) when the loss is NaN or infinite.
 */
export async function evaluate<B>(options: EvaluateOptions<B>): Promise<EvalMetrics> {
  const { model, objective, maxBatches = Infinity, seed = 0, step = 0 } = options;
  const start = performance.now();
  const { source, iterator } = evalPass('evaluate', options.data);
  const rng = new Rng(seed).fork('eval');
  const wasTraining = model.training;
  model.eval();
  let weightSum = 0;
  let lossSum = 0;
  const partSums: Record<string, number> = {};
  let batches = 0;
  try {
    while (batches < maxBatches) {
      const next = await iterator.next();
      if (next.done) break;
      const prepared = objective.prepare(next.value, rng);
      const result = computeLoss((x) => model.forward(x as never), objective as Objective<never>, prepared);
      const weight = result.metrics?.tokens ?? 1;
      const partEntries = Object.entries(result.parts ?? {});
      try {
        const [loss, ...parts] = await Promise.all([result.loss, ...partEntries.map(([, t]) => t)].map((t) => t.data()));
        lossSum += weight * loss![0]!;
        partEntries.forEach(([name], i) => (partSums[name] = (partSums[name] ?? 0) + weight * parts[i]![0]!));
      } finally {
        tf.dispose([result.loss, ...partEntries.map(([, t]) => t)]);
      }
      weightSum += weight;
      batches += 1;
    }
  } finally {
    await (iterator as AsyncIterator<unknown>).return?.();
    if (wasTraining) model.train();
  }
  if (batches === 0 || weightSum === 0) {
    throw new DataError(
      `evaluate: ${describeEvalSource(source)} gave ${batches === 0 ? 'no batches' : `${batches} batches with nothing to predict`}; expected at least one (is the validation part empty?)`,
    );
  }
  const loss = lossSum / weightSum;
  if (!Number.isFinite(loss)) throw new TrainingDivergedError(step, 'eval loss', loss, describeEvalSource(source));
  const parts = Object.keys(partSums).length > 0 ? Object.fromEntries(Object.entries(partSums).map(([k, v]) => [k, v / weightSum])) : undefined;
  return { step, loss, perplexity: Math.exp(loss), ...(parts ? { parts } : {}), batches, seconds: (performance.now() - start) / 1000 };
}
