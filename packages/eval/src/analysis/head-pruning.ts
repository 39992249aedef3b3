// Attention-head pruning (the source material's other remedy for overfitting): zero the chosen
// heads' rows/columns in GPT-2's c_attn/c_proj or BERT's query/key/value/output.dense, which gives
// what transformers' prune_heads (removing them) gives. Like MagnitudePruner, the 0/1 masks are
// re-applied after every optimizer update and survive save/load (as a mask file, or from zeros).
import { ConfigError, safetensorsToTensors, tensorsToSafetensors, tf, writeSafetensorsFile } from '@llmkit/core';
import type { Parameterized } from './pruning.js';

/** Heads to prune by layer index: `{ 0: [1], 3: [0, 2] }`. */
export type HeadsByLayer = Readonly<Record<number, readonly number[]>>;

export interface HeadPruningOptions {
  /** Heads per attention layer; default: the model's `config.nHead` / `config.numAttentionHeads` (or its backbone's). */
  numHeads?: number;
}

/** One attention layer's prunable weights and how a head's slice lies in each. */
interface Slot {
  name: string;
  param: tf.Variable;
  /** Which axis carries the heads; `period`: its length repeats per q/k/v block (GPT-2's fused c_attn). */
  axis: 0 | 1;
  period: number;
}

const GPT2 = /^(?:.*\.)?h\.(\d+)\.attn\.(c_attn\.weight|c_attn\.bias|c_proj\.weight)$/;
const BERT = /^(?:.*\.)?layer\.(\d+)\.attention\.(self\.(?:query|key|value)\.(?:weight|bias)|output\.dense\.weight)$/;

/** The attention weights of every layer, by layer index, from the parameter names (HF layouts). */
function attentionSlots(where: string, model: Parameterized): Map<number, Slot[]> {
  const layers = new Map<number, Slot[]>();
  for (const [name, param] of model.namedParameters()) {
    const g = GPT2.exec(name);
    const b = g ? null : BERT.exec(name);
    const m = g ?? b;
    if (!m) continue;
    const part = m[2]!;
    const width = param.shape[param.rank - 1]!;
    // GPT-2 (Conv1D, [in, out]): c_attn's output columns are q|k|v; c_proj's input rows are the heads.
    // BERT (Linear, [out, in]): query/key/value's output rows are the heads; output.dense's input columns.
    const slot: Slot = g
      ? part === 'c_proj.weight' ? { name, param, axis: 0, period: param.shape[0]! } : { name, param, axis: param.rank === 1 ? 0 : 1, period: width / 3 }
      : part === 'output.dense.weight' ? { name, param, axis: 1, period: width } : { name, param, axis: 0, period: param.shape[0]! };
    const layer = Number(m[1]);
    layers.set(layer, [...(layers.get(layer) ?? []), slot]);
  }
  if (layers.size === 0) throw new ConfigError(`${where}: the model has no GPT-2 (h.N.attn.c_attn) or BERT (layer.N.attention.self) attention weights`);
  return layers;
}

function headCount(where: string, model: unknown, options: HeadPruningOptions): number {
  if (options.numHeads !== undefined) {
    if (!Number.isSafeInteger(options.numHeads) || options.numHeads < 1) throw new ConfigError(`${where}: 'numHeads' must be a positive integer; got ${String(options.numHeads)}`);
    return options.numHeads;
  }
  const m = model as Record<string, { config?: Record<string, unknown> } | undefined> & { config?: Record<string, unknown> };
  for (const owner of [m, m.backbone, m.transformer, m.bert]) {
    const n = owner?.config?.nHead ?? owner?.config?.numAttentionHeads;
    if (typeof n === 'number') return n;
  }
  throw new ConfigError(`${where}: cannot tell the number of heads from the model's config; pass 'numHeads'`);
}

/** The 0/1 mask of one weight with the given heads zeroed. */
function maskOf(slot: Slot, heads: readonly number[], headDim: number): tf.Tensor {
  const shape = slot.param.shape;
  const cols = shape.length === 2 ? shape[1]! : 1;
  const keep = new Float32Array(slot.param.size).fill(1);
  const pruned = new Set(heads);
  for (let i = 0; i < keep.length; i++) {
    const along = slot.axis === 0 ? Math.floor(i / cols) : i % cols;
    if (pruned.has(Math.floor((along % slot.period) / headDim))) keep[i] = 0;
  }
  return tf.tensor(keep, shape, 'float32');
}

/**
 * Masks that zero chosen attention heads; `apply()` zeroes them again after an update.
 *
 * ```ts
 * const pruner = HeadPruner.prune(gpt, { 0: [1], 1: [0, 2] });   // layer → heads
 * trainer callbacks: [pruner.callback()]                            // kept through training
 * ```
 */
export class HeadPruner {
  private constructor(
    /** The pruned heads by layer (sorted). */
    readonly heads: Readonly<Record<number, readonly number[]>>,
    private readonly params: Map<string, tf.Variable>,
    readonly masks: Map<string, tf.Tensor>,
  ) {}

  /**
   * Zeroes `heads` (layer → head indices) and keeps their masks.
   * @throws ConfigError naming the layer or head out of range.
   */
  static prune(model: Parameterized, heads: HeadsByLayer, options: HeadPruningOptions = {}): HeadPruner {
    const where = 'HeadPruner.prune';
    const layers = attentionSlots(where, model);
    const numHeads = headCount(where, model, options);
    if (typeof heads !== 'object' || heads === null || Array.isArray(heads)) throw new ConfigError(`${where}: 'heads' must be an object { layer: [head, ...] }; got ${String(heads)}`);
    const chosen: Record<number, number[]> = {};
    for (const [key, list] of Object.entries(heads)) {
      const layer = Number(key);
      if (!layers.has(layer)) throw new ConfigError(`${where}: 'heads' layer ${key} is not an attention layer of the model (0..${layers.size - 1})`);
      if (!Array.isArray(list) || list.some((h) => !Number.isSafeInteger(h) || h < 0 || h >= numHeads)) {
        throw new ConfigError(`${where}: 'heads[${key}]' must list head indices in [0, ${numHeads}); got ${JSON.stringify(list)}`);
      }
      if (list.length > 0) chosen[layer] = [...new Set(list as number[])].sort((a, b) => a - b);
    }
    const params = new Map<string, tf.Variable>();
    const masks = new Map<string, tf.Tensor>();
    for (const [layer, list] of Object.entries(chosen)) {
      for (const slot of layers.get(Number(layer))!) {
        const headDim = slot.period / numHeads;
        if (!Number.isInteger(headDim)) throw new ConfigError(`${where}: '${slot.name}' width ${slot.period} is not divisible by numHeads ${numHeads}`);
        params.set(slot.name, slot.param);
        masks.set(slot.name, tf.keep(maskOf(slot, list, headDim)));
      }
    }
    const pruner = new HeadPruner(chosen, params, masks);
    pruner.apply();
    return pruner;
  }

  /** The heads whose every weight is zero (e.g. after `GPT.load` of a model saved pruned), pruned again. */
  static async fromZeros(model: Parameterized, options: HeadPruningOptions = {}): Promise<HeadPruner> {
    const values = new Map<string, Float32Array>();
    for (const [n, p] of model.namedParameters()) values.set(n, (await p.data()) as Float32Array);
    return HeadPruner.prune(model, zeroHeads('HeadPruner.fromZeros', model, values, options), options);
  }

  /** The heads of a mask file written by `save`, pruned on `model`. */
  static async load(model: Parameterized, path: string, options: HeadPruningOptions = {}): Promise<HeadPruner> {
    const { readFile } = await import('node:fs/promises');
    const tensors = safetensorsToTensors(await readFile(path));
    try {
      const values = new Map<string, Float32Array>();
      for (const [n, t] of Object.entries(tensors)) values.set(n, t.dataSync() as Float32Array);
      const own = new Map(model.namedParameters());
      for (const [n, t] of Object.entries(tensors)) {
        const p = own.get(n);
        if (!p || p.shape.join() !== t.shape.join()) throw new ConfigError(`HeadPruner.load: mask '${n}' [${t.shape.join(', ')}] matches no parameter of the model${p ? ` (it is [${p.shape.join(', ')}])` : ''}`);
      }
      return HeadPruner.prune(model, zeroHeads('HeadPruner.load', model, values, options, true), options);
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  /** Zeroes the pruned heads' weights (after an optimizer update moved them). */
  apply(): void {
    for (const [n, p] of this.params) {
      const masked = tf.tidy(() => tf.mul(p, this.masks.get(n)!));
      p.assign(masked);
      masked.dispose();
    }
  }

  /** Writes the masks as safetensors (names as the model's parameters). Node only. */
  async save(path: string): Promise<void> {
    await writeSafetensorsFile(path, await tensorsToSafetensors(Object.fromEntries(this.masks)));
  }

  /** A trainer callback that re-applies the masks after every optimizer step. */
  callback(): { readonly name: string; onStep(): void } {
    return { name: 'head-pruning', onStep: () => this.apply() };
  }

  dispose(): void {
    tf.dispose([...this.masks.values()]);
    this.masks.clear();
  }
}

/** Heads all of whose slices are zero in `values` (by parameter name); `partial`: names absent from `values` are skipped. */
function zeroHeads(where: string, model: Parameterized, values: Map<string, Float32Array>, options: HeadPruningOptions, partial = false): Record<number, number[]> {
  const layers = attentionSlots(where, model);
  const numHeads = headCount(where, model, options);
  const out: Record<number, number[]> = {};
  for (const [layer, slots] of layers) {
    const present = slots.filter((s) => values.has(s.name));
    if (present.length === 0 || (!partial && present.length !== slots.length)) continue;
    for (let h = 0; h < numHeads; h++) {
      const zero = present.every((slot) => {
        const v = values.get(slot.name)!;
        const headDim = slot.period / numHeads;
        const cols = slot.param.rank === 2 ? slot.param.shape[1]! : 1;
        for (let i = 0; i < v.length; i++) {
          const along = slot.axis === 0 ? Math.floor(i / cols) : i % cols;
          if (Math.floor((along % slot.period) / headDim) === h && v[i] !== 0) return false;
        }
        return true;
      });
      if (zero) (out[layer] ??= []).push(h);
    }
  }
  return out;
}
