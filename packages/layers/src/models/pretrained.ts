// The one save / load / fromPretrained of every model (GPT, BERT, encoder-decoder). A config.json
// and a weights file are untrusted input: the whole config is validated, then checked against the
// shapes in the safetensors header, before a single weight is allocated.
import { ConfigError, LlmkitError, parseSafetensorsHeader, safetensorsToTensors, tf, type Module } from '@llmkit/core';
import { clip, show } from '../config.js';
import { CheckpointError, checkDir, loadInto, readCheckpointFiles, saveCheckpoint, type HFConfig } from './checkpoint.js';

/** Tensor shapes by (our) parameter name, from a safetensors header or from tensors in memory. */
export type WeightShapes = ReadonlyMap<string, readonly number[]>;

/** What one model family tells the shared checkpoint code. */
export interface PretrainedFormat<M extends Module, C> {
  /** Class name for messages (`'GPT'`). */
  readonly name: string;
  /** Our config from config.json, every field checked. @throws ConfigError / CheckpointError naming the config.json field. */
  configFromHF(hf: HFConfig): C;
  /** Our name for a checkpoint key, or null to drop it (buffers transformers drops too). Default: unchanged. */
  renameKey?(key: string): string | null;
  /** Checks the sizes the config implies against the weights. @throws CheckpointError naming the field and the tensor. */
  checkWeights(config: C, shapes: WeightShapes): void;
  /** The model, weights uninitialised (they are about to be loaded). */
  build(config: C): M;
}

/** Writes `dir/config.json` (the model's `hfConfig()`) and `dir/model.safetensors`. Node only. */
export async function savePretrained(dir: string, model: Module & { hfConfig(): HFConfig }): Promise<void> {
  await saveCheckpoint(checkDir(`${model.constructor.name}.save`, dir), model.hfConfig(), model);
}

/**
 * Loads a folder written by `save` or by transformers: config.json is validated and compared with
 * the safetensors header before anything is allocated. Node only.
 * @throws CheckpointError / ConfigError / SafetensorsError naming the file and field; nothing stays allocated.
 */
export async function loadPretrained<M extends Module, C>(format: PretrainedFormat<M, C>, dir: string): Promise<M> {
  const where = `${format.name}.load`;
  const { config: hf, weights } = await readCheckpointFiles(dir, where);
  const config = format.configFromHF(hf);
  const header = parseSafetensorsHeader(weights);
  format.checkWeights(config, renamedShapes(format, header.entries.map((e) => [e.name, e.shape])));
  const tensors = safetensorsToTensors(weights);
  try {
    return loadInto(format.build(config), renamed(format, tensors));
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/**
 * A model from an HF config object and its weights (e.g. `safetensorsToTensors(bytes)` in a
 * browser), checked the same way as `loadPretrained`. The tensors stay the caller's.
 */
export function pretrainedFromTensors<M extends Module, C>(format: PretrainedFormat<M, C>, hf: unknown, tensors: unknown): M {
  const where = `${format.name}.fromPretrained`;
  if (typeof hf !== 'object' || hf === null || Array.isArray(hf)) {
    throw new CheckpointError(`${where}: 'config' must be config.json's object; got ${show(hf)}`);
  }
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors)) {
    throw new CheckpointError(`${where}: 'tensors' must be a record of tf.Tensors (safetensorsToTensors(bytes)); got ${show(tensors)}`);
  }
  const record = tensors as Record<string, unknown>;
  for (const [key, t] of Object.entries(record)) {
    const shape = (t as { shape?: unknown } | null)?.shape;
    if (!Array.isArray(shape) || typeof (t as { dataId?: unknown }).dataId !== 'object') {
      throw new CheckpointError(`${where}: 'tensors.${clip(key)}' must be a tf.Tensor; got ${show(t)}`);
    }
  }
  const config = format.configFromHF(hf as HFConfig);
  const ours = renamed(format, record as Record<string, tf.Tensor>);
  format.checkWeights(config, new Map(Object.entries(ours).map(([k, t]) => [k, t.shape])));
  return loadInto(format.build(config), ours);
}

function renamed<M extends Module, C>(format: PretrainedFormat<M, C>, tensors: Record<string, tf.Tensor>): Record<string, tf.Tensor> {
  if (!format.renameKey) return tensors;
  const out: Record<string, tf.Tensor> = {};
  for (const [key, t] of Object.entries(tensors)) {
    const name = format.renameKey(key);
    if (name !== null) out[name] = t;
  }
  return out;
}

function renamedShapes<M extends Module, C>(format: PretrainedFormat<M, C>, entries: [string, number[]][]): WeightShapes {
  const out = new Map<string, readonly number[]>();
  for (const [key, shape] of entries) {
    const name = format.renameKey ? format.renameKey(key) : key;
    if (name !== null) out.set(name, shape);
  }
  return out;
}

/**
 * Checks named tensors' shapes (each `[key, shape, what the shape comes from]`) and the number of
 * layers (`[pattern with the layer index as group 1, expected count, field]`).
 * @throws CheckpointError naming the tensor, the config fields and both shapes.
 */
export function expectWeights(
  where: string,
  shapes: WeightShapes,
  tensors: readonly (readonly [string, readonly number[], string])[],
  layers: readonly (readonly [RegExp, number, string])[] = [],
): void {
  for (const [pattern, expected, field] of layers) {
    const indices = new Set<number>();
    for (const key of shapes.keys()) {
      const m = pattern.exec(key);
      if (m) indices.add(Number(m[1]));
    }
    const count = indices.size === 0 ? 0 : Math.max(...indices) + 1;
    if (count !== expected || indices.size !== count) {
      throw new CheckpointError(`${where}: config.json '${field}' is ${expected}, but the weights hold ${indices.size} layers (${pattern.source.replace(/\\/g, '')})`);
    }
  }
  for (const [key, expected, fields] of tensors) {
    const shape = shapes.get(key);
    if (shape === undefined) throw new CheckpointError(`${where}: the weights have no '${key}' (config.json: ${fields})`);
    if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
      throw new CheckpointError(`${where}: '${key}' is [${shape.join(', ')}] in the weights; config.json (${fields}) needs [${expected.join(', ')}]`);
    }
  }
}

/** The HF types of config.json fields a model does not read but transformers checks (`is_decoder`: bool). */
export type HFFieldTypes = Readonly<Record<string, 'bool' | 'int' | 'number' | 'string' | 'int?' | 'number?' | 'string?'>>;

/** Rejects a mistyped field as transformers' strict config classes do (`is_decoder: 1` is not a bool). */
export function checkHFTypes(where: string, hf: HFConfig, types: HFFieldTypes): void {
  for (const [key, type] of Object.entries(types)) {
    const v = hf[key];
    if (v === undefined) continue;
    const nullable = type.endsWith('?');
    const base = nullable ? type.slice(0, -1) : type;
    const ok =
      (nullable && v === null) ||
      (base === 'bool' ? typeof v === 'boolean'
      : base === 'int' ? Number.isSafeInteger(v)
      : base === 'number' ? typeof v === 'number' && Number.isFinite(v)
      : typeof v === 'string');
    if (!ok) {
      const what = base === 'bool' ? 'true or false' : base === 'int' ? 'an integer' : base === 'number' ? 'a number' : 'a string';
      throw new CheckpointError(`${where}: config.json '${key}' must be ${what}${nullable ? ' or null' : ''}; got ${show(v)}`);
    }
  }
}

/** The variables alive now, so that a failed build can free every one it created (see {@link allocationFailed}). */
export function variableMark(): ReadonlySet<string> {
  return new Set(Object.keys(tf.engine().registeredVariables));
}

/**
 * For a model constructor's catch: frees what was allocated so far (the owner's registered state,
 * and every variable created since `mark`, e.g. in a block not yet registered) and rethrows,
 * turning tfjs's RangeError for weights too large for this machine into a ConfigError.
 *
 * ```ts
 * const mark = variableMark();
 * try { ...register modules... } catch (error) { allocationFailed('GPTConfig', this, error, mark); }
 * ```
 */
export function allocationFailed(where: string, owner: Module, error: unknown, mark?: ReadonlySet<string>): never {
  owner.dispose();
  if (mark) {
    for (const [name, variable] of Object.entries(tf.engine().registeredVariables)) if (!mark.has(name)) variable.dispose();
  }
  if (LlmkitError.isInstance(error)) throw error;
  throw new ConfigError(`${where}: could not allocate the weights (${clip(String((error as Error)?.message ?? error))}); choose smaller sizes`, { cause: error });
}
