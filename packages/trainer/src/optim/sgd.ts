// SGD with momentum as torch.optim.SGD computes it: weight decay added to the gradient (coupled),
// a momentum buffer that starts as the first gradient, optional dampening and Nesterov.
import { ConfigError, tf } from '@llmkit/core';
import { resolveWeightDecay, type ParameterGroup } from './parameter-groups.js';
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

/** Options of {@link SGD}; defaults are torch's except `lr`, which torch requires. */
export interface SGDOptions {
  /** Default 1e-2. */
  lr?: number;
  /** Default 0 (plain SGD). */
  momentum?: number;
  /** Default 0. */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Default false; needs momentum > 0 and dampening 0. */
  nesterov?: boolean;
  /** Per-parameter weight decay overrides, first match wins (default none). */
  groups?: readonly ParameterGroup[];
}

/**
 * torch.optim.SGD. The momentum buffers are tf.Variables, saved with the optimizer state.
 *
 * ```ts
 * const optimizer = new SGD(model, { lr: 0.1, momentum: 0.9 });
 * ```
 */
export class SGD implements Optimizer {
  readonly type = 'SGD';
  readonly parameters: NamedParameters;
  lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly decays: readonly number[];
  private readonly buffers: tf.Variable[];
  private steps = 0;

  constructor(params: ParametersLike, options: SGDOptions = {}) {
    const where = 'SGD';
    this.parameters = namedParametersOf(where, params);
    this.lr = checkNumber(where, 'lr', options.lr ?? 1e-2, 0);
    this.momentum = checkNumber(where, 'momentum', options.momentum ?? 0, 0);
    this.dampening = checkNumber(where, 'dampening', options.dampening ?? 0, 0);
    this.weightDecay = checkNumber(where, 'weightDecay', options.weightDecay ?? 0, 0);
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new ConfigError(`SGD: 'nesterov' needs momentum > 0 and dampening 0; got momentum ${this.momentum}, dampening ${this.dampening}`);
    }
    this.decays = resolveWeightDecay(where, this.parameters, options.groups ?? [], this.weightDecay);
    this.buffers = this.momentum > 0 ? zeroSlots(this.parameters) : [];
  }

  get stepCount(): number {
    return this.steps;
  }

  step(grads: Readonly<Record<string, tf.Tensor>>, lr = this.lr): void {
    checkNumber('SGD.step', 'lr', lr, 0);
    const first = this.steps === 0;
    this.steps += 1;
    tf.tidy(() => {
      this.parameters.forEach(([name, p], i) => {
        const g = grads[name];
        if (!g) return;
        let d = this.decays[i]! === 0 ? g : tf.add(g, tf.mul(p, this.decays[i]!));
        if (this.momentum > 0) {
          const buf = this.buffers[i]!;
          // torch: the buffer starts as a copy of the first gradient, undamped.
          buf.assign(first ? d : tf.add(tf.mul(buf, this.momentum), tf.mul(d, 1 - this.dampening)));
          d = this.nesterov ? tf.add(d, tf.mul(buf, this.momentum)) : buf;
        }
        p.assign(tf.sub(p, tf.mul(d, lr)));
      });
    });
  }

  /** The momentum buffers by their saved names (torch's `momentum_buffer`); none without momentum. */
  private slots(): Map<string, tf.Variable> {
    const slots = new Map<string, tf.Variable>();
    this.parameters.forEach(([name], i) => {
      if (this.buffers[i]) slots.set(`${name}.momentum_buffer`, this.buffers[i]);
    });
    return slots;
  }

  getState(): OptimizerState {
    return { tensors: cloneState(this.slots()), meta: { type: this.type, step: this.steps, config: this.getConfig() } };
  }

  setState(state: OptimizerState): void {
    const step = checkMeta('SGD.setState', this.type, state.meta);
    assignState('SGD.setState', this.slots(), state.tensors);
    this.steps = step;
  }

  getConfig(): Record<string, unknown> {
    return { lr: this.lr, momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov };
  }

  dispose(): void {
    tf.dispose(this.buffers);
  }
}
