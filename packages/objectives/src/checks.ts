// Validation shared by the objectives: option values, the rng, and the model outputs a loss reads.
// Every error names the field and gives the expected and the actual value.
import { ConfigError, ShapeError, tf } from '@llmkit/core';
import type { HostTensor, Prepared } from './objective.js';

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

export function checkInteger(where: string, field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new ConfigError(`${where}: '${field}' must be an integer ${range}, got ${describe(value)}`);
  }
  return value;
}

export function checkProbability(where: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new ConfigError(`${where}: '${field}' must be a probability in [0, 1], got ${describe(value)}`);
  }
  return value;
}

export function checkName(where: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z_][\w-]*$/.test(value)) {
    throw new ConfigError(`${where}: 'name' must be an identifier such as 'mlm', got ${describe(value)}`);
  }
  return value;
}

export function checkRng(where: string, rng: unknown): void {
  const r = rng as { nextFloat?: unknown; nextInt?: unknown } | null;
  if (typeof r !== 'object' || r === null || typeof r.nextFloat !== 'function' || typeof r.nextInt !== 'function') {
    throw new ConfigError(`${where}: 'rng' must be a seeded Rng from @llmkit/core (new Rng(seed)), got ${describe(rng)}`);
  }
}

function isTensor(value: unknown): value is tf.Tensor {
  const t = value as { shape?: unknown; dtype?: unknown; dataId?: unknown } | null;
  return typeof t === 'object' && t !== null && Array.isArray(t.shape) && typeof t.dtype === 'string' && t.dataId !== undefined;
}

const shapeText = (shape: readonly (number | string)[]) => `[${shape.join(', ')}]`;

/**
 * `outputs[key]`, checked to be a float tensor of shape `expected` (`'V'` matches any size of at
 * least `minLast`, the smallest vocabulary the labels allow).
 */
export function readOutput(where: string, outputs: object, key: string, expected: readonly (number | 'V')[], minLast = 1): tf.Tensor {
  if (typeof outputs !== 'object' || outputs === null) {
    throw new ConfigError(`${where}: 'outputs' must be the model's object of named tensors, got ${describe(outputs)}`);
  }
  const t = (outputs as Record<string, unknown>)[key];
  if (!isTensor(t)) {
    throw new ConfigError(
      `${where}: outputs.${key} must be a tf.Tensor ${shapeText(expected)}, got ${describe(t)} (the outputs have keys: ${Object.keys(outputs).join(', ') || 'none'})`,
    );
  }
  if (t.dtype !== 'float32') {
    throw new ShapeError(`${where}: outputs.${key} must be float32, got ${t.dtype}`);
  }
  const fits =
    t.shape.length === expected.length &&
    expected.every((d, i) => (d === 'V' ? (t.shape[i] as number) >= minLast : t.shape[i] === d));
  if (!fits) {
    const note = expected.includes('V') && minLast > 1 ? ` with V >= ${minLast} (the largest label + 1)` : '';
    throw new ShapeError(`${where}: outputs.${key} must have shape ${shapeText(expected)}${note}, got ${shapeText(t.shape)}`);
  }
  return t;
}

/** `prepared.targets[name]`, checked to be int32 labels of rank `rank`. */
export function readLabels(where: string, prepared: Prepared, name: string, rank: number): HostTensor & { values: Int32Array } {
  const target = (prepared as Partial<Prepared> | null)?.targets?.[name];
  if (!target || !(target.values instanceof Int32Array) || target.shape.length !== rank) {
    throw new ConfigError(
      `${where}: 'prepared.targets.${name}' must be int32 labels of rank ${rank}, got ${target ? `shape [${target.shape.join(', ')}]` : describe(target)} (pass what prepare returned)`,
    );
  }
  return target as HostTensor & { values: Int32Array };
}
