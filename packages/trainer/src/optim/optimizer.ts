// The optimizer interface the trainer drives: updates by parameter name with a rate chosen per step,
// and state (moments, step count) that round-trips through a checkpoint exactly.
import { ConfigError, isModule, StateDictError, tf, type Module } from '@llmkit/core';

/** Parameters with their dotted paths, as `module.namedParameters()` returns them. */
export type NamedParameters = readonly (readonly [string, tf.Variable])[];

/** A module (its trainable parameters are optimized) or an explicit list of named parameters. */
export type ParametersLike = Module | NamedParameters;

/** An optimizer's saved state: tensors (copies) and JSON (step count, hyper-parameters). */
export interface OptimizerState {
  tensors: Record<string, tf.Tensor>;
  meta: { type: string; step: number; config: Record<string, unknown> };
}

/**
 * Updates a fixed set of named parameters from their gradients. The trainer calls `step` once per
 * optimizer step with the (accumulated, clipped) gradients and the scheduled rate.
 */
export interface Optimizer {
  /** `'AdamW'`, `'SGD'`: recorded in checkpoints and checked on load. */
  readonly type: string;
  /** The parameters it updates, with their paths. */
  readonly parameters: NamedParameters;
  /** The rate used when `step` is called without one. */
  lr: number;
  /** Updates applied so far (torch's `state['step']`). */
  readonly stepCount: number;
  /**
   * One update. `grads` maps parameter paths to gradients (not consumed); a parameter without a
   * gradient is left as it is, moments included (as torch skips `p.grad is None`).
   */
  step(grads: Readonly<Record<string, tf.Tensor>>, lr?: number): void;
  /** Copies of the state tensors (caller disposes them) and JSON metadata. */
  getState(): OptimizerState;
  /** Restores a state from {@link getState}, checking every key and shape first. Tensors stay the caller's. */
  setState(state: OptimizerState): void;
  /** Hyper-parameters as plain data. */
  getConfig(): Record<string, unknown>;
  /** Frees the state tensors (not the parameters). */
  dispose(): void;
}

/** Named trainable parameters of a module, or the list given (checked). */
export function namedParametersOf(where: string, params: ParametersLike): [string, tf.Variable][] {
  if (isModule(params)) return params.namedParameters().filter(([, v]) => v.trainable);
  if (!Array.isArray(params)) {
    throw new ConfigError(`${where}: expected a Module or a list of [name, Variable] pairs, got ${typeof params}`);
  }
  const seen = new Set<string>();
  return params.map((entry, i) => {
    const [name, variable] = (entry ?? []) as [string, tf.Variable];
    if (typeof name !== 'string' || !(variable instanceof tf.Variable)) {
      throw new ConfigError(`${where}: parameters[${i}] must be a [name, tf.Variable] pair`);
    }
    if (seen.has(name)) throw new ConfigError(`${where}: parameter name '${name}' appears twice`);
    seen.add(name);
    return [name, variable];
  });
}

/** Copies of an optimizer's state Variables, keyed as in its saved state (see `assignState`). */
/** One zero-filled, non-trainable Variable per parameter (optimizer state such as moments). */
export function zeroSlots(parameters: NamedParameters): tf.Variable[] {
  // tidy frees the zerosLike tensor each Variable was initialised from.
  return parameters.map(([, p]) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
}

export function cloneState(slots: ReadonlyMap<string, tf.Variable>): Record<string, tf.Tensor> {
  const tensors: Record<string, tf.Tensor> = {};
  for (const [key, variable] of slots) tensors[key] = tf.clone(variable);
  return tensors;
}

/**
 * Writes saved tensors into state Variables after checking every expected key is present with the
 * right shape and no key is unexpected: all or nothing.
 */
export function assignState(where: string, targets: ReadonlyMap<string, tf.Variable>, tensors: Readonly<Record<string, tf.Tensor>>): void {
  const problems: string[] = [];
  for (const [key, variable] of targets) {
    const t = tensors[key];
    if (!t) problems.push(`missing '${key}'`);
    else if (t.shape.join(',') !== variable.shape.join(',')) problems.push(`'${key}': expected shape [${variable.shape.join(', ')}], got [${t.shape.join(', ')}]`);
  }
  for (const key of Object.keys(tensors)) if (!targets.has(key)) problems.push(`unexpected '${key}'`);
  if (problems.length > 0) throw new StateDictError(`${where}: optimizer state does not match: ${problems.join('; ')}`);
  tf.tidy(() => {
    for (const [key, variable] of targets) variable.assign(tf.cast(tensors[key]!, variable.dtype));
  });
}

export function checkMeta(where: string, type: string, meta: OptimizerState['meta']): number {
  if (meta?.type !== type) throw new StateDictError(`${where}: the saved state is from ${JSON.stringify(meta?.type)}, expected '${type}'`);
  if (!Number.isSafeInteger(meta.step) || meta.step < 0) throw new StateDictError(`${where}: saved 'step' must be an integer >= 0, got ${String(meta.step)}`);
  return meta.step;
}

export function checkNumber(where: string, key: string, value: unknown, min: number, max = Infinity, exclusiveMax = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (exclusiveMax && value === max)) {
    throw new ConfigError(`${where}: '${key}' must be a number in [${min}, ${max}${exclusiveMax ? ')' : ']'}, got ${String(value)}`);
  }
  return value;
}
