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

/**
 * The largest sizes a model config may ask for. Each sits well above every published model, so
 * none limits a real one, and low enough that a hostile or mistyped config.json fails at once
 * instead of allocating gigabytes layer by layer.
 */
export const LIMITS = {
  /** Blocks per stack: 8× the deepest published LM (Llama 3.1 405B has 126). */
  layers: 1024,
  /** Hidden width and heads: 4× the widest (Llama 3.1 405B, 16384). */
  width: 65536,
  /** Feed-forward width: 4 × `width`. */
  ffn: 262144,
  /** Vocabulary: 2^24, up to which float32 holds every id exactly (the largest vocabularies are ~256k). */
  vocab: 2 ** 24,
  /** Position table: 2^20 positions (the longest learned tables are 2^15–2^17). */
  positions: 2 ** 20,
  /** Token types (BERT uses 2). */
  typeVocab: 1024,
  /** Elements of one weight tensor: tfjs indexes tensors with int32 sizes and offsets. */
  tensorElements: 2 ** 31 - 1,
} as const;

/** An integer in [1, max]. */
export const sizeAtMost =
  (max: number): Rule =>
  (v) =>
    Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= max ? undefined : `an integer in [1, ${max}]`;

/** A schema: one rule per key, and the default (undefined = required; null = optional, absent). */
export type Schema<T> = { readonly [K in keyof T]-?: readonly [Rule, unknown] };

/**
 * Checks `config` against `schema` and fills in the defaults. Unknown keys are errors too (a typo
 * such as `nEmbed` would otherwise silently give the default).
 * @throws ConfigError naming the key, the expected and the actual value.
 */
export function validateConfig<T extends object>(where: string, config: T, schema: Schema<T>, keyName: (key: string) => string = (k) => k): Required<T> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError(`${where}: the config must be a plain object; got ${config === null ? 'null' : Array.isArray(config) ? 'an array' : typeof config}`);
  }
  const keys = Object.keys(schema);
  for (const key of Object.keys(config)) {
    if (!keys.includes(key)) {
      throw new ConfigError(`${where}: unknown config key '${clip(key)}'; expected one of ${keys.map((k) => `'${k}'`).join(', ')}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const [rule, fallback] = schema[key as keyof T];
    const given = (config as Record<string, unknown>)[key];
    const value = given === undefined ? fallback : given;
    if (value === undefined) {
      throw new ConfigError(`${where}: '${keyName(key)}' is required: expected ${rule(undefined) ?? 'a value'}`);
    }
    const expected = rule(value);
    if (expected !== undefined) throw new ConfigError(`${where}: '${keyName(key)}' must be ${expected}; got ${show(value)}`);
    out[key] = value;
  }
  return out as Required<T>;
}

/** Throws a ConfigError for a constraint between keys, e.g. `nEmbd` divisible by `nHead`. */
export function requireThat(ok: boolean, where: string, key: string, expected: string, actual: unknown): void {
  if (!ok) throw new ConfigError(`${where}: '${key}' must be ${expected}; got ${show(actual)}`);
}

/** Token ids of a config (`null` = none) must lie in [0, vocabSize). @throws ConfigError naming the key. */
export function requireTokenIds(where: string, config: Record<string, unknown>, keys: readonly string[], keyName: (key: string) => string = (k) => k): void {
  const vocabSize = config.vocabSize as number;
  for (const key of keys) {
    const id = config[key];
    if (id === null || id === undefined) continue;
    requireThat((id as number) < vocabSize, where, keyName(key), `a token id in [0, ${keyName('vocabSize')} = ${vocabSize})`, id);
  }
}

/** Each weight tensor a config implies must fit in one tfjs tensor ({@link LIMITS}.tensorElements). */
export function requireTensorSizes(where: string, sizes: readonly (readonly [string, number])[]): void {
  for (const [what, elements] of sizes) {
    if (elements > LIMITS.tensorElements) {
      throw new ConfigError(`${where}: ${what} = ${elements} weights in one tensor; at most ${LIMITS.tensorElements} fit (tfjs indexes with int32)`);
    }
  }
}

/** A value for an error message: short whatever its size (an untrusted config can hold megabytes). */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(clip(value));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** At most 60 characters of `text`. */
export function clip(text: string): string {
  return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
}

export const isObject =
  (what: string): Rule =>
  (v) =>
    typeof v === 'object' && v !== null ? undefined : what;
export const isFunction =
  (what: string): Rule =>
  (v) =>
    typeof v === 'function' ? undefined : what;
