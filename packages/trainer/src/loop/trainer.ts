// The training loop: `step()` does one optimizer step (micro-batches, weighted accumulation, loss
// scaling, clipping, the NaN guard, the update); `fit()` drives it over the data with evaluation,
// checkpoints, callbacks, the progress bar and the metrics log, and resumes exactly from a checkpoint.
import { ConfigError, Rng, tf, type Module } from '@llmkit/core';
import { computeLoss, type Objective, type Prepared } from '@llmkit/objectives';
import type { Callback, CheckpointInfo, EvalMetrics, StepMetrics, StopReason, TrainerControl } from '../callbacks/callback.js';
import { getModuleRngStates, setModuleRngStates } from '../checkpoint/module-rngs.js';
import {
  loadTrainingCheckpoint,
  saveTrainingCheckpoint,
  type CheckpointableModel,
  type TokenizerLike,
  type TrainerState,
} from '../checkpoint/training-checkpoint.js';
import { TrainingDivergedError } from '../errors.js';
import { GradientAccumulator } from '../optim/accumulation.js';
import { AdamW } from '../optim/adamw.js';
import { clipByGlobalNormTensor, globalNormTensor } from '../optim/clip.js';
import type { LossScaler } from '../optim/loss-scale.js';
import type { Optimizer } from '../optim/optimizer.js';
import { MetricsLog } from '../progress/metrics-log.js';
import { ProgressBar, stdoutIsTTY } from '../progress/progress-bar.js';
import { toSchedule, type Schedule, type ScheduleLike } from '../schedule/schedule.js';
import { firstUseBackend } from './backend.js';
import { checkEvalSource, isResumable, iteratorOf, type DataSource, type EvalSource } from './data-source.js';
import { evaluate } from './evaluate.js';

/** A model the trainer drives: a Module whose `forward` maps input tensors to named outputs (GPT, BERT). */
export type TrainableModel = CheckpointableModel & { forward(inputs: never): object };

/** Where progress goes. */
export interface LogOptions {
  /** A JSONL file with one line per step, evaluation and checkpoint (default `<checkpointDir>/metrics.jsonl`). */
  file?: string;
  /** Write a step line every N steps (default 1). */
  every?: number;
  /** The terminal progress bar: `'auto'` (default) shows it when stdout is a TTY. */
  progress?: boolean | 'auto';
}

/**
 * Options of {@link Trainer}. `B` is the batch the objective takes, and the data must yield it:
 * `TokenBatch` (packedBlocks) for CausalLM/MaskedLM, `SentencePairBatch` (segmentPairs) for
 * SentenceOrder/NextSentence and their combinations; a mismatch does not compile.
 */
// `any` only as the default of an unannotated `TrainerOptions`; `new Trainer(...)` infers B.
export interface TrainerOptions<B = any> {
  model: TrainableModel;
  /** What the model is trained to do; its `prepare` draws from the trainer's seeded `Rng`. */
  objective: Objective<B>;
  /** Training batches (needed by `fit`, not by `step`). Resumable sources continue exactly on resume. */
  data?: DataSource<B>;
  /** Default `new AdamW(model)` (torch's defaults; no decay for biases, norms and embeddings). */
  optimizer?: Optimizer;
  /** The learning rate per step (0-based): a Schedule, a number or a function. Default: `optimizer.lr`. */
  schedule?: ScheduleLike;
  /** `fit` stops after this many optimizer steps in total (default: when the data ends). */
  maxSteps?: number;
  /** Micro-batches per optimizer step (default 1). */
  gradAccumulation?: number;
  /**
   * How micro-batches are weighted: `'tokens'` (default) by the objective's `metrics.tokens`, so k
   * micro-batches give the gradient of one k× larger batch; `'mean'` equally (nanoGPT's `loss / k`).
   * Objectives that report no token count are weighted equally either way.
   */
  accumulation?: 'tokens' | 'mean';
  /** Clip the global gradient norm to this (default: no clipping). */
  clipNorm?: number;
  /** Evaluate on `evalData` every N steps. */
  evalEvery?: number;
  /** Evaluation batches, read from the first one at every evaluation (see {@link EvalSource}). */
  evalData?: EvalSource<B>;
  /** At most this many evaluation batches (default all). */
  evalBatches?: number;
  /** Root folder of checkpoints (`step-NNNNNN/` folders and a `latest` file). */
  checkpointDir?: string;
  /** Write a checkpoint every N steps (and at the end of `fit`). */
  checkpointEvery?: number;
  /** Checkpoints kept on disk, newest first (default 3). */
  keepCheckpoints?: number;
  /** Saved as tokenizer.json in each checkpoint. */
  tokenizer?: TokenizerLike;
  /** Seeds the objective's masks and swaps (default 0). Dropout is seeded by the model's own config. */
  seed?: number;
  callbacks?: Callback[];
  /** Progress bar, metrics file and the line naming the backend the trainer chose; `false` for none. */
  log?: LogOptions | false;
  /** Loss scaling for half-precision backends (see DynamicLossScaler). */
  lossScaler?: LossScaler;
}

/** What `fit` returns. */
export interface FitResult {
  /** Completed steps in total (including those before a resume). */
  step: number;
  reason: StopReason;
  /** Why a callback stopped training. */
  message?: string;
  /** The last step's metrics, if any step ran. */
  last?: StepMetrics;
  /** The last evaluation, if any. */
  lastEval?: EvalMetrics;
  /** The last checkpoint written, if any. */
  lastCheckpoint?: string;
}

function checkCount(key: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(Number.isSafeInteger(value) || value === Infinity) || value < min) {
    throw new ConfigError(`Trainer: '${key}' must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** Real tokens of a prepared batch: the attention mask's ones, or every position without one. */
function countTokens(prepared: Prepared): number {
  const mask = prepared.inputs.attentionMask?.values;
  if (!mask) return prepared.inputs.inputIds?.values.length ?? 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n += 1;
  return n;
}

/**
 * Trains a model on an objective.
 *
 * ```ts
 * const trainer = new Trainer({
 *   model: gpt, objective: new CausalLM(), data: batches,
 *   optimizer: new AdamW(gpt, { betas: [0.9, 0.99], weightDecay: 0.1 }),
 *   schedule: new CosineSchedule({ maxLr: 1e-3, minLr: 1e-4, warmupSteps: 100, decaySteps: 2000 }),
 *   maxSteps: 2000, clipNorm: 1, evalEvery: 250, evalData: valBatches, checkpointDir: 'out/run', checkpointEvery: 500,
 * });
 * await trainer.fit();                                // or: await trainer.fit({ resumeFrom: 'out/run' })
 * ```
 */
export class Trainer<B = any> implements TrainerControl {
  readonly model: TrainableModel;
  readonly objective: Objective<B>;
  readonly optimizer: Optimizer;
  readonly schedule: Schedule;
  readonly options: Readonly<TrainerOptions<B>>;
  readonly gradAccumulation: number;
  readonly seed: number;
  private readonly rng: Rng;
  private readonly parameters: [string, tf.Variable][];
  private steps = 0;
  private tokens = 0;
  private stopMessage: string | undefined;
  private stopRequested = false;
  /** Settles once a backend is active (chosen on first use when the user chose none). */
  private backendReady: Promise<void> | undefined;

  constructor(options: TrainerOptions<B>) {
    if (typeof options !== 'object' || options === null) throw new ConfigError(`Trainer: expected an options object, got ${String(options)}`);
    const { model, objective } = options;
    if (typeof (model as Partial<TrainableModel> | undefined)?.forward !== 'function' || typeof model.namedParameters !== 'function') {
      throw new ConfigError(`Trainer: 'model' must be a Module with forward(inputs), e.g. a GPT; got ${model === null ? 'null' : typeof model}`);
    }
    if (typeof objective?.prepare !== 'function' || typeof objective.loss !== 'function') {
      throw new ConfigError(`Trainer: 'objective' must implement prepare(batch, rng) and loss(outputs, prepared), e.g. new CausalLM()`);
    }
    checkCount('maxSteps', options.maxSteps, 0);
    checkCount('evalEvery', options.evalEvery, 1);
    checkCount('evalBatches', options.evalBatches, 1);
    checkCount('checkpointEvery', options.checkpointEvery, 1);
    checkCount('keepCheckpoints', options.keepCheckpoints, 1);
    if (options.clipNorm !== undefined && !(typeof options.clipNorm === 'number' && options.clipNorm > 0)) {
      throw new ConfigError(`Trainer: 'clipNorm' must be a number > 0, got ${String(options.clipNorm)}`);
    }
    if (options.accumulation !== undefined && options.accumulation !== 'tokens' && options.accumulation !== 'mean') {
      throw new ConfigError(`Trainer: 'accumulation' must be 'tokens' or 'mean', got ${JSON.stringify(options.accumulation)}`);
    }
    if (options.evalEvery !== undefined && options.evalData === undefined) {
      throw new ConfigError(`Trainer: 'evalEvery' is set but 'evalData' is not`);
    }
    if (options.evalData !== undefined) {
      checkEvalSource(`Trainer: 'evalData'`, options.evalData);
      if (options.data !== undefined && (options.evalData as unknown) === options.data) {
        throw new ConfigError(`Trainer: 'evalData' is the training 'data' itself; every evaluation rewinds it, so pass a separate validation source (trainValidation)`);
      }
    }
    this.options = options;
    this.model = model;
    this.objective = objective;
    this.gradAccumulation = checkCount('gradAccumulation', options.gradAccumulation, 1) ?? 1;
    this.seed = options.seed ?? 0;
    this.rng = new Rng(this.seed).fork('objective');
    this.optimizer = options.optimizer ?? new AdamW(model);
    this.schedule = toSchedule(options.schedule ?? this.optimizer.lr);
    this.parameters = this.optimizer.parameters.map(([name, variable]) => [name, variable]);
  }

  /**
   * Resumes from a checkpoint folder or root (its `latest`): builds the trainer from `options`
   * (the same model architecture, optimizer, schedule and data as the run that wrote it), then
   * loads weights, optimizer state, step, RNG streams and the data position.
   */
  static async resume<B>(location: string, options: TrainerOptions<B>): Promise<Trainer<B>> {
    const trainer = new Trainer(options);
    await trainer.load(location);
    return trainer;
  }

  /** Completed optimizer steps. */
  get stepCount(): number {
    return this.steps;
  }

  /** Real tokens trained on so far. */
  get tokensSeen(): number {
    return this.tokens;
  }

  /**
   * Makes sure a backend is active before the first tensor of a step: the one chosen with
   * `useBackend`, or else the best available one, named once on the console (see `firstUseBackend`).
   */
  private ready(): Promise<void> {
    this.backendReady ??= firstUseBackend(this.options.log !== false).catch((error: unknown) => {
      this.backendReady = undefined;
      throw error;
    });
    return this.backendReady;
  }

  /** Asks `fit` to stop after the current step. */
  stop(reason = 'stopped by a callback'): void {
    this.stopRequested = true;
    this.stopMessage = reason;
  }

  /**
   * One optimizer step on `batch`, or on several micro-batches accumulated into one step: prepare
   * (drawing from the seeded Rng), forward, backward, weighted accumulation, unscale, clip, the
   * NaN/Inf guard, the update at `schedule.lr(stepCount)`. Losses and the gradient norm are read
   * once per step, asynchronously (GPU backends cannot read synchronously in Node). Leaves
   * `tf.memory().numTensors` as it was.
   * @throws TrainingDivergedError when the loss or the gradient norm is not finite; nothing is updated.
   */
  async step(batch: B | readonly B[]): Promise<StepMetrics> {
    const micro = Array.isArray(batch) ? (batch as readonly B[]) : [batch as B];
    if (micro.length === 0) throw new ConfigError('Trainer.step: expected a batch or a non-empty list of micro-batches, got []');
    await this.ready();
    const start = performance.now();
    const stepNumber = this.steps + 1;
    const lr = this.schedule.lr(this.steps);
    if (!Number.isFinite(lr) || lr < 0) throw new ConfigError(`Trainer.step: the schedule gave lr ${lr} for step ${this.steps}; expected a finite number >= 0`);
    const scaler = this.options.lossScaler;
    const byTokens = (this.options.accumulation ?? 'tokens') === 'tokens';
    const variables = this.parameters.map(([, v]) => v);
    const accumulator = new GradientAccumulator();
    // Per micro-batch: its loss (unscaled) and parts as device scalars, read after the backward passes.
    const reads: { loss: tf.Scalar; parts: Record<string, tf.Scalar>; weight: number }[] = [];
    let tokens = 0;
    const toFree: tf.Tensor[] = [];
    try {
      for (const b of micro) {
        const prepared = this.objective.prepare(b, this.rng);
        tokens += countTokens(prepared);
        let kept: tf.Scalar | null = null;
        let parts: Record<string, tf.Scalar> = {};
        let count: number | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const result = computeLoss((x) => this.model.forward(x as never), this.objective as Objective<never>, prepared);
          // The forward pass is tidied by variableGrads: keep what is read afterwards.
          parts = Object.fromEntries(Object.entries(result.parts ?? {}).map(([k, t]) => [k, tf.keep(t)]));
          count = result.metrics?.tokens;
          if (!scaler) return result.loss;
          kept = tf.keep(result.loss);
          return scaler.scaleLoss(result.loss);
        }, variables);
        const loss = kept ?? value;
        if (kept) value.dispose();
        toFree.push(loss, ...Object.values(parts));
        const weight = byTokens && count !== undefined ? count : 1;
        reads.push({ loss, parts, weight });
        const named: Record<string, tf.Tensor> = {};
        for (const [name, v] of this.parameters) if (grads[v.name]) named[name] = grads[v.name]!;
        accumulator.add(named, weight);
      }
    } catch (error) {
      accumulator.reset();
      tf.dispose(toFree);
      throw error;
    }
    const weightSum = reads.reduce((a, r) => a + r.weight, 0);
    let grads = weightSum > 0 ? accumulator.result() : (accumulator.reset(), {});
    toFree.push(...Object.values(grads));
    try {
      // Start reading the losses now; the GPU keeps working on what follows.
      const lossValues = Promise.all(reads.map((r) => Promise.all([r.loss, ...Object.values(r.parts)].map((t) => t.data()))));
      lossValues.catch(() => undefined); // awaited below; an early throw must not leave it unhandled
      let skipped = false;
      let norm: tf.Scalar | null = null;
      if (scaler) {
        const unscaled = await scaler.unscale(grads);
        grads = unscaled.grads;
        toFree.push(...Object.values(grads));
        skipped = !unscaled.finite;
      }
      if (!skipped) {
        if (this.options.clipNorm !== undefined) {
          const clipped = clipByGlobalNormTensor(grads, this.options.clipNorm);
          grads = clipped.grads;
          norm = clipped.norm;
          toFree.push(...Object.values(grads), norm);
        } else {
          norm = globalNormTensor(grads);
          toFree.push(norm);
        }
      }
      const normValue = norm ? norm.data() : null;
      normValue?.catch(() => undefined);
      // A micro-batch with nothing to predict has weight 0 (and a loss of 0).
      const mean = (sum: number) => (weightSum > 0 ? sum / weightSum : sum / micro.length);
      let lossSum = 0;
      const partSums: Record<string, number> = {};
      for (const [i, values] of (await lossValues).entries()) {
        const { parts, weight } = reads[i]!;
        lossSum += weight * values[0]![0]!;
        Object.keys(parts).forEach((k, j) => (partSums[k] = (partSums[k] ?? 0) + weight * values[j + 1]![0]!));
      }
      const loss = mean(lossSum);
      const parts = Object.keys(partSums).length > 0 ? Object.fromEntries(Object.entries(partSums).map(([k, s]) => [k, mean(s)])) : undefined;
      if (!Number.isFinite(loss)) throw new TrainingDivergedError(stepNumber, 'loss', loss);
      const gradNorm = normValue ? (await normValue)[0]! : NaN;
      if (!skipped) {
        if (!Number.isFinite(gradNorm)) throw new TrainingDivergedError(stepNumber, 'gradient norm', gradNorm);
        this.optimizer.step(grads, lr);
      }
      scaler?.update(!skipped);
      this.steps = stepNumber;
      this.tokens += tokens;
      const seconds = (performance.now() - start) / 1000;
      return { step: stepNumber, loss, ...(parts ? { parts } : {}), lr, gradNorm, tokens, seconds, ...(skipped ? { skipped } : {}) };
    } finally {
      tf.dispose(toFree);
    }
  }

  /**
   * Loss and perplexity on `evalData` (or the batches given), the model in eval mode; training state
   * untouched. Every call reads the data from its first batch, so calls between which the model did
   * not change give the same numbers.
   * @throws DataError when the data gives no batch; TrainingDivergedError (`'eval loss'`) on a NaN or infinite loss.
   */
  async evaluate(data: EvalSource<B> | undefined = this.options.evalData): Promise<EvalMetrics> {
    if (data === undefined) throw new ConfigError(`Trainer.evaluate: no 'evalData' given`);
    await this.ready();
    return evaluate({ model: this.model, objective: this.objective, data, maxBatches: this.options.evalBatches, seed: this.seed, step: this.steps });
  }

  /** The loop's state as `trainer.json` holds it. */
  state(): TrainerState {
    const data = this.options.data;
    const callbacks: Record<string, unknown> = {};
    (this.options.callbacks ?? []).forEach((cb, i) => {
      if (cb.getState) callbacks[cb.name ?? String(i)] = cb.getState();
    });
    return {
      format: 'llmkit-trainer',
      version: 1,
      step: this.steps,
      tokensSeen: this.tokens,
      seed: this.seed,
      gradAccumulation: this.gradAccumulation,
      schedule: { ...this.schedule.getConfig(), lr: this.schedule.lr(this.steps) },
      rng: this.rng.getState(),
      modelRngs: getModuleRngStates(this.model),
      data: isResumable(data) ? (data.getState() ?? null) : null,
      ...(this.options.lossScaler ? { lossScaler: this.options.lossScaler.getState() } : {}),
      callbacks,
    };
  }

  /**
   * Writes a checkpoint of the current state under `root` (default `checkpointDir`) atomically.
   * @returns the checkpoint folder (`<root>/step-NNNNNN`).
   */
  async save(root: string | undefined = this.options.checkpointDir): Promise<string> {
    if (root === undefined) throw new ConfigError(`Trainer.save: no folder given and no 'checkpointDir' set`);
    return saveTrainingCheckpoint(root, { model: this.model, optimizer: this.optimizer, trainer: this.state(), tokenizer: this.options.tokenizer }, this.options.keepCheckpoints ?? 3);
  }

  /**
   * Loads a checkpoint (a `step-NNNNNN` folder, or a root whose `latest` names one): weights,
   * optimizer state, step count, RNG streams, data position, loss scale and callback state.
   * @returns the checkpoint folder read.
   */
  async load(location: string): Promise<string> {
    const { dir, state } = await loadTrainingCheckpoint(location, { model: this.model, optimizer: this.optimizer });
    this.steps = state.step;
    this.tokens = state.tokensSeen ?? 0;
    this.rng.setState(state.rng);
    setModuleRngStates(this.model, state.modelRngs ?? {});
    const data = this.options.data;
    if (state.data !== null && state.data !== undefined && data !== undefined) {
      if (!isResumable(data)) {
        throw new ConfigError(`Trainer.load: checkpoint '${dir}' saved a data position, but 'data' has no getState()/setState() to restore it`);
      }
      data.setState(state.data);
    }
    if (state.lossScaler && this.options.lossScaler) this.options.lossScaler.setState(state.lossScaler);
    (this.options.callbacks ?? []).forEach((cb, i) => {
      const saved = state.callbacks?.[cb.name ?? String(i)];
      if (saved !== undefined) cb.setState?.(saved);
    });
    return dir;
  }

  /** The callbacks `fit` calls: the user's, then the progress bar and the metrics log per `log`. */
  private callbacks(): Callback[] {
    const list = [...(this.options.callbacks ?? [])];
    const log = this.options.log;
    if (log === false) return list;
    const progress = log?.progress ?? 'auto';
    if (progress === true || (progress === 'auto' && stdoutIsTTY())) list.push(new ProgressBar());
    const file = log?.file ?? (this.options.checkpointDir !== undefined ? `${this.options.checkpointDir}/metrics.jsonl` : undefined);
    if (file !== undefined) list.push(new MetricsLog(file, log?.every ?? 1));
    return list;
  }

  /**
   * Trains until `maxSteps` (counting steps before a resume), the end of the data, or a callback's
   * `stop()`: each step takes `gradAccumulation` batches; evaluation every `evalEvery` steps; a
   * checkpoint every `checkpointEvery` steps and at the end. With `resumeFrom`, loads that
   * checkpoint first and continues exactly where it stopped.
   */
  async fit(options: { resumeFrom?: string } = {}): Promise<FitResult> {
    await this.ready();
    if (options.resumeFrom !== undefined) await this.load(options.resumeFrom);
    const data = this.options.data;
    if (data === undefined) throw new ConfigError(`Trainer.fit: no 'data' given`);
    const maxSteps = this.options.maxSteps ?? Infinity;
    const { evalEvery, checkpointEvery, checkpointDir } = this.options;
    const callbacks = this.callbacks();
    const iterator = iteratorOf('Trainer.fit', data);
    const startStep = this.steps;
    this.stopRequested = false;
    this.stopMessage = undefined;
    this.model.train();
    const result: FitResult = { step: this.steps, reason: 'max steps' };
    let lastSaved = -1;
    const checkpoint = async () => {
      const dir = await this.save();
      lastSaved = this.steps;
      result.lastCheckpoint = dir;
      const info: CheckpointInfo = { step: this.steps, dir };
      for (const cb of callbacks) await cb.onCheckpoint?.(info, this);
    };
    let failed = true;
    try {
      for (const cb of callbacks) await cb.onTrainBegin?.({ startStep, maxSteps }, this);
      for (;;) {
        if (this.steps >= maxSteps) break;
        if (this.stopRequested) {
          result.reason = 'stopped';
          break;
        }
        const micro: B[] = [];
        while (micro.length < this.gradAccumulation) {
          const next = await iterator.next();
          if (next.done) break;
          micro.push(next.value);
        }
        if (micro.length < this.gradAccumulation) {
          result.reason = 'data exhausted';
          break;
        }
        const metrics = await this.step(this.gradAccumulation === 1 ? micro[0]! : micro);
        result.last = metrics;
        for (const cb of callbacks) await cb.onStep?.(metrics, this);
        if (evalEvery !== undefined && this.steps % evalEvery === 0) {
          const evalMetrics = await this.evaluate();
          result.lastEval = evalMetrics;
          for (const cb of callbacks) await cb.onEval?.(evalMetrics, this);
        }
        if (checkpointDir !== undefined && checkpointEvery !== undefined && this.steps % checkpointEvery === 0) await checkpoint();
      }
      if (checkpointDir !== undefined && this.steps > startStep && lastSaved !== this.steps) await checkpoint();
      failed = false;
    } finally {
      await (iterator as AsyncIterator<B>).return?.().catch?.(() => undefined);
      result.step = this.steps;
      if (this.stopMessage !== undefined) result.message = this.stopMessage;
      for (const cb of callbacks) {
        try {
          await cb.onTrainEnd?.({ step: this.steps, reason: result.reason, ...(result.message ? { message: result.message } : {}) }, this);
        } catch (error) {
          if (!failed) throw error;
        }
      }
    }
    return result;
  }
}
