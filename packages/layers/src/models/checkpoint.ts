// HF-style checkpoints: a folder with `config.json` (HF's keys) and `model.safetensors`, where a tied
// weight is stored once, under its first name (as save_pretrained drops lm_head.weight). Node's fs is
// imported lazily through core's importBuiltin so a browser bundle of this package never sees it;
// in a browser use `fromPretrained(config, safetensorsToTensors(bytes))` on each model.
import { LlmkitError, importBuiltin, safetensorsToTensors, tf, writeSafetensorsFile, type Module } from '@llmkit/core';
import { clip, show } from '../config.js';

/** A checkpoint folder was missing, unreadable, or written for another model. */
export class CheckpointError extends LlmkitError {}

/** HF's config.json as a plain object. */
export type HFConfig = Record<string, unknown>;

export const CONFIG_FILE = 'config.json';
export const WEIGHTS_FILE = 'model.safetensors';

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

/** Writes `dir/config.json` and `dir/model.safetensors` (creating `dir`), the weights whose key `keep` accepts. Node only. */
export async function saveCheckpoint(dir: string, config: HFConfig, module: Module, keep: (key: string) => boolean = () => true): Promise<void> {
  const fs = await importBuiltin<typeof import('node:fs/promises')>('node:fs/promises');
  const { join } = await importBuiltin<typeof import('node:path')>('node:path');
  await fs.mkdir(dir, { recursive: true });
  const weights = Object.entries(uniqueStateDict(module)).filter(([key]) => keep(key));
  await writeSafetensorsFile(join(dir, WEIGHTS_FILE), Object.fromEntries(weights), { format: 'pt' });
  await fs.writeFile(join(dir, CONFIG_FILE), configJson(config));
}

/** config.json files above this size are refused unread: a model config is a few kilobytes. */
export const MAX_CONFIG_BYTES = 16 * 2 ** 20;

/** `dir` as a checkpoint folder path. @throws CheckpointError for anything but a non-empty string. */
export function checkDir(where: string, dir: unknown): string {
  if (typeof dir !== 'string' || dir === '') {
    throw new CheckpointError(`${where}: the checkpoint folder must be a non-empty path string; got ${dir === '' ? 'an empty string' : show(dir)}`);
  }
  return dir;
}

/**
 * Reads `dir/config.json` (parsed, checked to be a JSON object) and the bytes of
 * `dir/model.safetensors`, allocating no tensor. Node only.
 * @throws CheckpointError naming the folder and the file.
 */
export async function readCheckpointFiles(dir: string, where = 'checkpoint'): Promise<{ config: HFConfig; weights: Uint8Array }> {
  checkDir(where, dir);
  const fs = await importBuiltin<typeof import('node:fs/promises')>('node:fs/promises');
  const { join } = await importBuiltin<typeof import('node:path')>('node:path');
  const fail = (message: string, cause?: unknown) => new CheckpointError(`${where}: '${clip(dir)}': ${message}`, cause === undefined ? undefined : { cause });
  const read = async (name: string, limit = Infinity): Promise<Uint8Array> => {
    try {
      if (limit !== Infinity) {
        const { size } = await fs.stat(join(dir, name));
        if (size > limit) throw fail(`${name} is ${size} bytes; a config holds at most ${limit}`);
      }
      return await fs.readFile(join(dir, name));
    } catch (cause) {
      if (CheckpointError.isInstance(cause)) throw cause;
      throw fail(`cannot read ${name}: ${(cause as Error).message}`, cause);
    }
  };
  let config: unknown;
  try {
    config = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await read(CONFIG_FILE, MAX_CONFIG_BYTES)));
  } catch (cause) {
    if (CheckpointError.isInstance(cause)) throw cause;
    throw fail(`${CONFIG_FILE} is not valid UTF-8 JSON: ${clip((cause as Error).message)}`, cause);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw fail(`${CONFIG_FILE} must hold a JSON object; got ${show(config)}`);
  }
  return { config: config as HFConfig, weights: await read(WEIGHTS_FILE) };
}

/**
 * Reads `dir/config.json` and `dir/model.safetensors`. The caller owns the tensors. Node only.
 * @throws CheckpointError naming the file; SafetensorsError for a malformed weights file.
 */
export async function readCheckpoint(dir: string): Promise<{ config: HFConfig; tensors: Record<string, tf.Tensor> }> {
  const { config, weights } = await readCheckpointFiles(dir);
  return { config, tensors: safetensorsToTensors(weights) };
}

/** Checks `config.model_type` before a model reads the rest. */
export function expectModelType(where: string, config: HFConfig, expected: readonly string[]): void {
  const type = config.model_type;
  if (!expected.includes(type as string)) {
    throw new CheckpointError(`${where}: config.json has model_type ${show(type)}; expected ${expected.map((t) => JSON.stringify(t)).join(' or ')}`);
  }
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** camelCase config -> HF's snake_case keys (`nEmbd` -> `n_embd`), leaving out `skip`. */
export function toSnakeCase(config: object, skip: readonly string[] = []): HFConfig {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !skip.includes(k)).map(([k, v]) => [snake(k), v]));
}

/** HF's snake_case name of a camelCase key (`nEmbd` -> `n_embd`). */
export const snakeCase = snake;

/**
 * Picks `keys` (camelCase) out of an HF config by their snake_case names. A null stays null: the
 * config's rules accept it only where HF does (`n_inner`, the token ids), never as "use the default".
 */
export function fromSnakeCase<T>(hf: HFConfig, keys: readonly (keyof T & string)[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = hf[snake(key)];
    if (value !== undefined) out[key] = value;
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
    throw shortened(error);
  }
}

/** Longest error message passed on: a weights file with thousands of stray keys would list them all. */
const MAX_MESSAGE = 300;

/** The same llmkit error with its message cut to MAX_MESSAGE characters (the full one stays in `cause`). */
function shortened(error: unknown): unknown {
  if (!LlmkitError.isInstance(error) || error.message.length <= MAX_MESSAGE) return error;
  const Kind = error.constructor as new (message: string, options?: { cause?: unknown }) => LlmkitError;
  return new Kind(`${error.message.slice(0, MAX_MESSAGE)}... (${error.message.length - MAX_MESSAGE} more characters in error.cause)`, { cause: error });
}
