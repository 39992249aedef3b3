// State dicts: the types, and loading one into a module's Variables all or nothing, with one
// error that names every missing, unexpected or mis-shaped key.
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, StateDictError } from '../errors.js';

/**
 * A module's state by dotted path, from {@link Module.stateDict}: a Map, which keeps the
 * module's order and, unlike a plain object, cannot confuse a key with `__proto__`.
 */
export type StateDict = Map<string, tf.Tensor>;

/** What `loadStateDict` accepts: a Map (as `stateDict()` returns) or a plain record (as file readers often give). */
export type StateDictLike = ReadonlyMap<string, tf.Tensor> | Readonly<Record<string, tf.Tensor>>;

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /**
   * Default true: a missing or unexpected key throws. False: they are returned instead, and the
   * keys that match are loaded; a wrong shape or dtype throws either way.
   */
  strict?: boolean;
}

/** What {@link Module.loadStateDict} did not load. Both lists are empty after a strict load. */
export interface LoadStateDictResult {
  /** Keys of the module that `dict` did not provide (their Variables keep their values). */
  missingKeys: string[];
  /** Keys of `dict` that the module does not have (ignored). */
  unexpectedKeys: string[];
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function describeValue(value: unknown): string {
  if (value instanceof tf.Tensor) return `shape ${formatShape(value.shape)}, ${value.dtype}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

function entriesOf(where: string, dict: unknown): Map<string, unknown> {
  if (dict instanceof Map) return new Map(dict as Map<string, unknown>);
  if (typeof dict === 'object' && dict !== null && !(dict instanceof tf.Tensor)) {
    return new Map(Object.entries(dict));
  }
  throw new StateDictError(`${where}: expected a Map or a record of tensors, got ${describeValue(dict)}`);
}

/** Why `value` cannot be loaded into `variable` at `key`, or undefined if it can. */
function mismatch(key: string, variable: tf.Variable, value: unknown): string | undefined {
  if (!(value instanceof tf.Tensor)) return `'${key}': expected a tf.Tensor, got ${describeValue(value)}`;
  if (value.isDisposed) return `'${key}': the tensor given is disposed`;
  if (!tf.util.arraysEqual(value.shape, variable.shape)) {
    return `'${key}': shape mismatch, expected ${formatShape(variable.shape)}, got ${formatShape(value.shape)}`;
  }
  if (value.dtype !== variable.dtype) return `'${key}': dtype mismatch, expected ${variable.dtype}, got ${value.dtype}`;
  return undefined;
}

/** Elementwise equality, NaN equal to NaN; tensors that share data are equal without reading it. */
function sameValues(a: tf.Tensor, b: tf.Tensor): boolean {
  if (a === b || a.dataId === b.dataId) return true;
  return tf.tidy(() => {
    let equal = tf.equal(a, b);
    if (a.dtype === 'float32') equal = tf.logicalOr(equal, tf.logicalAnd(tf.isNaN(a), tf.isNaN(b)));
    return tf.all(equal).dataSync()[0] === 1;
  });
}

/**
 * Loads `dict` into `target` (a module's live Variables by path; tied ones appear under several
 * keys). Everything is checked first, so a StateDictError leaves every Variable as it was.
 * `owner` names the module in messages.
 */
export function loadStateDict(
  owner: string,
  target: ReadonlyMap<string, tf.Variable>,
  dict: StateDictLike,
  options: LoadStateDictOptions = {},
): LoadStateDictResult {
  const where = `${owner}.loadStateDict`;
  const { strict = true } = options;
  if (typeof strict !== 'boolean') throw new ConfigError(`${where}: options.strict must be a boolean, got ${typeof strict}`);
  const given = entriesOf(where, dict);

  const aliases = new Map<tf.Variable, string[]>();
  for (const [key, variable] of target) {
    const keys = aliases.get(variable);
    if (keys) keys.push(key);
    else aliases.set(variable, [key]);
  }

  const mismatches: string[] = [];
  const unexpectedKeys: string[] = [];
  const valid = new Map<string, tf.Tensor>();
  for (const [key, value] of given) {
    const variable = target.get(key);
    if (variable === undefined) {
      unexpectedKeys.push(key);
      continue;
    }
    const problem = mismatch(key, variable, value);
    if (problem !== undefined) mismatches.push(problem);
    else valid.set(key, value as tf.Tensor);
  }

  // A tied weight is loaded from its first key present; a file that keeps only one of its keys
  // (as HF GPT-2 checkpoints drop lm_head.weight) is complete, one with differing copies is not.
  const sources = new Map<tf.Variable, tf.Tensor>();
  const missingKeys: string[] = [];
  for (const [variable, keys] of aliases) {
    const present = keys.filter((k) => given.has(k));
    if (present.length === 0) {
      missingKeys.push(...keys);
      continue;
    }
    const loadable = present.filter((k) => valid.has(k));
    const [first, ...rest] = loadable;
    if (first === undefined) continue;
    const source = valid.get(first) as tf.Tensor;
    for (const key of rest) {
      if (!sameValues(source, valid.get(key) as tf.Tensor)) {
        mismatches.push(`tied keys '${first}' and '${key}' (one Variable) hold different values`);
      }
    }
    sources.set(variable, source);
  }
  // Report missing keys in the module's order, not grouped by tie.
  const missingSet = new Set(missingKeys);
  const missingInOrder = [...target.keys()].filter((k) => missingSet.has(k));

  const problems = strict
    ? [
        ...missingInOrder.map((k) => `missing key '${k}' (expected ${describeValue(target.get(k))})`),
        ...unexpectedKeys.map((k) => `unexpected key '${k}' (${describeValue(given.get(k))})`),
        ...mismatches,
      ]
    : mismatches;
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new StateDictError(`${where}: ${count}, nothing was loaded:\n  ${problems.join('\n  ')}`);
  }

  for (const [variable, source] of sources) {
    // assign() releases the old data before taking the new: on the same data it would free it.
    if (source.dataId !== variable.dataId) variable.assign(source);
  }
  return { missingKeys: missingInOrder, unexpectedKeys };
}
