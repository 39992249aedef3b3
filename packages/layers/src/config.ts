// Validation of plain config objects: every model and layer checks its options once, at
// construction, with a ConfigError that names the key, what it expected and what it got.
import { ConfigError } from '@llmkit/core';

/** A check on one value: undefined when it passes, else what was expected ("a positive integer"). */
export type Rule = (value: unknown) => string | undefined;

export const positiveInt: Rule = (v) => (Number.isSafeInteger(v) && (v as number) > 0 ? undefined : 'a positive integer');
export const nonNegativeInt: Rule = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? undefined : 'a non-negative integer');
export const positiveNumber: Rule = (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? undefined : 'a finite number > 0');
export const probability: Rule = (v) => (typeof v === 'number' && v >= 0 && v < 1 ? undefined : 'a number in [0, 1)');
export const boolean: Rule = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
export const integer: Rule = (v) => (Number.isSafeInteger(v) ? undefined : 'an integer');
export const oneOf =
  (...options: readonly unknown[]): Rule =>
  (v) =>
    options.includes(v) ? undefined : `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`;
export const optional =
  (rule: Rule): Rule =>
  (v) =>
    v === undefined || v === null ? undefined : rule(v);

/** A schema: one rule per key, and the default (undefined = required; null = optional, absent). */
export type Schema<T> = { readonly [K in keyof T]-?: readonly [Rule, unknown] };

/**
 * Checks `config` against `schema` and fills in the defaults. Unknown keys are errors too (a typo
 * such as `nEmbed` would otherwise silently give the default).
 * @throws ConfigError naming the key, the expected and the actual value.
 */
export function validateConfig<T extends object>(where: string, config: T, schema: Schema<T>): Required<T> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError(`${where}: the config must be a plain object; got ${config === null ? 'null' : Array.isArray(config) ? 'an array' : typeof config}`);
  }
  const keys = Object.keys(schema);
  for (const key of Object.keys(config)) {
    if (!keys.includes(key)) {
      throw new ConfigError(`${where}: unknown config key '${key}'; expected one of ${keys.map((k) => `'${k}'`).join(', ')}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const [rule, fallback] = schema[key as keyof T];
    const given = (config as Record<string, unknown>)[key];
    const value = given === undefined ? fallback : given;
    if (value === undefined) {
      throw new ConfigError(`${where}: '${key}' is required: expected ${rule(undefined) ?? 'a value'}`);
    }
    const expected = rule(value);
    if (expected !== undefined) throw new ConfigError(`${where}: '${key}' must be ${expected}; got ${show(value)}`);
    out[key] = value;
  }
  return out as Required<T>;
}

/** Throws a ConfigError for a constraint between keys, e.g. `nEmbd` divisible by `nHead`. */
export function requireThat(ok: boolean, where: string, key: string, expected: string, actual: unknown): void {
  if (!ok) throw new ConfigError(`${where}: '${key}' must be ${expected}; got ${show(actual)}`);
}

export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return typeof value;
  }
}

export const isObject =
  (what: string): Rule =>
  (v) =>
    typeof v === 'object' && v !== null ? undefined : what;
export const isFunction =
  (what: string): Rule =>
  (v) =>
    typeof v === 'function' ? undefined : what;
