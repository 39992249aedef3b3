// HF-style checkpoints: a folder with `config.json` (HF's keys) and `model.safetensors`, where a tied
// weight is stored once, under its first name (as save_pretrained drops lm_head.weight). Node's fs is
// imported lazily through a variable specifier so a browser bundle of this package never sees it;
// in a browser use `fromPretrained(config, safetensorsToTensors(bytes))` on each model.
import { LlmkitError, safetensorsToTensors, tf, writeSafetensorsFile, type Module } from '@llmkit/core';

/** A checkpoint folder was missing, unreadable, or written for another model. */
export class CheckpointError extends LlmkitError {}

/** HF's config.json as a plain object. */
export type HFConfig = Record<string, unknown>;

export const CONFIG_FILE = 'config.json';
export const WEIGHTS_FILE = 'model.safetensors';

function importBuiltin<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}

/**
 * The module's state with each Variable once, under its first key (own parameters before
 * children, so `transformer.wte.weight` wins over `lm_head.weight`).
 */
export function uniqueStateDict(module: Module): Record<string, tf.Tensor> {
  const seen = new Set<tf.Tensor>();
  const out: Record<string, tf.Tensor> = {};
  for (const [key, variable] of module.stateDict()) {
    if (seen.has(variable)) continue;
    seen.add(variable);
    out[key] = variable;
  }
  return out;
}

/** config.json text as HF writes it: keys sorted, two-space indent, trailing newline. */
export function configJson(config: HFConfig): string {
  const sorted = Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/** Writes `dir/config.json` and `dir/model.safetensors` (creating `dir`). Node only. */
export async function saveCheckpoint(dir: string, config: HFConfig, module: Module): Promise<void> {
  const fs = await importBuiltin<typeof import('node:fs/promises')>('node:fs/promises');
  const { join } = await importBuiltin<typeof import('node:path')>('node:path');
  await fs.mkdir(dir, { recursive: true });
  await writeSafetensorsFile(join(dir, WEIGHTS_FILE), uniqueStateDict(module), { format: 'pt' });
  await fs.writeFile(join(dir, CONFIG_FILE), configJson(config));
}

/**
 * Reads `dir/config.json` and `dir/model.safetensors`. The caller owns the tensors. Node only.
 * @throws CheckpointError naming the file; SafetensorsError for a malformed weights file.
 */
export async function readCheckpoint(dir: string): Promise<{ config: HFConfig; tensors: Record<string, tf.Tensor> }> {
  const fs = await importBuiltin<typeof import('node:fs/promises')>('node:fs/promises');
  const { join } = await importBuiltin<typeof import('node:path')>('node:path');
  const read = async (name: string): Promise<Uint8Array> => {
    try {
      return await fs.readFile(join(dir, name));
    } catch (cause) {
      throw new CheckpointError(`checkpoint '${dir}': cannot read ${name}: ${(cause as Error).message}`, { cause });
    }
  };
  let config: unknown;
  try {
    config = JSON.parse(new TextDecoder().decode(await read(CONFIG_FILE)));
  } catch (cause) {
    if (CheckpointError.isInstance(cause)) throw cause;
    throw new CheckpointError(`checkpoint '${dir}': ${CONFIG_FILE} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new CheckpointError(`checkpoint '${dir}': ${CONFIG_FILE} must hold a JSON object`);
  }
  const tensors = safetensorsToTensors(await read(WEIGHTS_FILE));
  return { config: config as HFConfig, tensors };
}

/** Checks `config.model_type` before a model reads the rest. */
export function expectModelType(where: string, config: HFConfig, expected: readonly string[]): void {
  const type = config.model_type;
  if (!expected.includes(type as string)) {
    throw new CheckpointError(`${where}: config.json has model_type ${JSON.stringify(type)}; expected ${expected.map((t) => JSON.stringify(t)).join(' or ')}`);
  }
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** camelCase config -> HF's snake_case keys (`nEmbd` -> `n_embd`), leaving out `skip`. */
export function toSnakeCase(config: object, skip: readonly string[] = []): HFConfig {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !skip.includes(k)).map(([k, v]) => [snake(k), v]));
}

/** Picks `keys` (camelCase) out of an HF config by their snake_case names; null values count as absent. */
export function fromSnakeCase<T>(hf: HFConfig, keys: readonly (keyof T & string)[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = hf[snake(key)];
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out as Partial<T>;
}

/**
 * Loads `tensors` into a freshly built model, strictly; on failure the model is disposed. The
 * tensors stay the caller's.
 */
export function loadInto<M extends Module>(model: M, tensors: Record<string, tf.Tensor>): M {
  try {
    model.loadStateDict(tensors);
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}
