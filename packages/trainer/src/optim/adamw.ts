// AdamW (Loshchilov & Hutter 2019) exactly as torch.optim.AdamW computes it: decoupled weight decay
// applied to the parameter first, then the bias-corrected Adam step (see testkit's adamwStep).
import { adamwUpdate, tf } from '@llmkit/core';
import { DEFAULT_GROUPS, resolveWeightDecay, type ParameterGroup } from './parameter-groups.js';
import {
  assignState,
  cloneState,
  checkMeta,
  checkNumber,
  namedParametersOf,
  zeroSlots,
  type NamedParameters,
  type Optimizer,
  type OptimizerState,
  type ParametersLike,
} from './optimizer.js';

/** Options of {@link AdamW}; defaults are torch's. */
export interface AdamWOptions {
  /** Default 1e-3. */
  lr?: number;
  /** Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay for parameters outside a no-decay group (default 0.01). */
  weightDecay?: number;
  /**
   * Per-parameter overrides, first match wins. Default: no decay for biases, norms and embeddings
   * ({@link isNoDecayParameter}); pass `[]` to decay everything.
   */
  groups?: readonly ParameterGroup[];
}

/**
 * torch.optim.AdamW with parameter groups, its moments (`exp_avg`, `exp_avg_sq`) held as tf.Variables.
 *
 * ```ts
 * const optimizer = new AdamW(gpt, { lr: 1e-3, betas: [0.9, 0.95], weightDecay: 0.1 });
 * optimizer.step(gradsByName, schedule.lr(step));
 * ```
 */
export class AdamW implements Optimizer {
  readonly type = 'AdamW';
  readonly parameters: NamedParameters;
  lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  /** The weight decay of each parameter, in the order of `parameters`. */
  readonly decays: readonly number[];
  private readonly expAvg: tf.Variable[];
  private readonly expAvgSq: tf.Variable[];
  private steps = 0;

  constructor(params: ParametersLike, options: AdamWOptions = {}) {
    const where = 'AdamW';
    this.parameters = namedParametersOf(where, params);
    this.lr = checkNumber(where, 'lr', options.lr ?? 1e-3, 0);
    const betas = options.betas ?? [0.9, 0.999];
    this.betas = [checkNumber(where, 'betas[0]', betas[0], 0, 1, true), checkNumber(where, 'betas[1]', betas[1], 0, 1, true)];
    this.eps = checkNumber(where, 'eps', options.eps ?? 1e-8, 0);
    this.weightDecay = checkNumber(where, 'weightDecay', options.weightDecay ?? 0.01, 0);
    this.decays = resolveWeightDecay(where, this.parameters, options.groups ?? DEFAULT_GROUPS, this.weightDecay);
    this.expAvg = zeroSlots(this.parameters);
    this.expAvgSq = zeroSlots(this.parameters);
  }

  get stepCount(): number {
    return this.steps;
  }

  step(grads: Readonly<Record<string, tf.Tensor>>, lr = this.lr): void {
    checkNumber('AdamW.step', 'lr', lr, 0);
    this.steps += 1;
    const t = this.steps;
    const [beta1, beta2] = this.betas;
    // Host float64, as torch computes them from a Python step count.
    const stepSize = lr / (1 - beta1 ** t);
    const bias2Sqrt = Math.sqrt(1 - beta2 ** t);
    // One fused update over every parameter with a gradient (core's LlmkitAdamW kernel; its
    // default is the tfjs ops of torch's formula, a backend may run it as one pass).
    const idx = this.parameters.flatMap(([name], i) => (grads[name] ? [i] : []));
    if (idx.length === 0) return;
    tf.tidy(() => {
      const next = adamwUpdate(
        idx.map((i) => this.parameters[i]![1]),
        idx.map((i) => grads[this.parameters[i]![0]]!),
        idx.map((i) => this.expAvg[i]!),
        idx.map((i) => this.expAvgSq[i]!),
        { beta1, beta2, eps: this.eps, stepSize, bias2Sqrt, decayFactors: idx.map((i) => (this.decays[i] === 0 ? 1 : 1 - lr * this.decays[i]!)) },
      );
      idx.forEach((i, j) => {
        this.parameters[i]![1].assign(next.params[j]!);
        this.expAvg[i]!.assign(next.expAvg[j]!);
        this.expAvgSq[i]!.assign(next.expAvgSq[j]!);
      });
    });
  }

  /** The state Variables by their saved names (torch's `exp_avg`, `exp_avg_sq`). */
  private slots(): Map<string, tf.Variable> {
    const slots = new Map<string, tf.Variable>();
    this.parameters.forEach(([name], i) => {
      slots.set(`${name}.exp_avg`, this.expAvg[i]!);
      slots.set(`${name}.exp_avg_sq`, this.expAvgSq[i]!);
    });
    return slots;
  }

  getState(): OptimizerState {
    return { tensors: cloneState(this.slots()), meta: { type: this.type, step: this.steps, config: this.getConfig() } };
  }

  setState(state: OptimizerState): void {
    const step = checkMeta('AdamW.setState', this.type, state.meta);
    assignState('AdamW.setState', this.slots(), state.tensors);
    this.steps = step;
  }

  getConfig(): Record<string, unknown> {
    return {
      lr: this.lr,
      betas: [...this.betas],
      eps: this.eps,
      weightDecay: this.weightDecay,
      noDecay: this.parameters.filter((_, i) => this.decays[i] === 0).map(([name]) => name),
    };
  }

  dispose(): void {
    tf.dispose([...this.expAvg, ...this.expAvgSq]);
  }
}
