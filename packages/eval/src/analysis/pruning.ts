// Magnitude pruning (a remedy for overfitting in the source material): zero the smallest-magnitude
// weights to a target sparsity, over all pruned weights together ('global', as torch.nn.utils.prune
// .global_unstructured with L1Unstructured) or per weight ('perLayer', as l1_unstructured on each).
// The 0/1 masks are re-applied after every optimizer update (trainer callback), and they survive
// save/load: written as safetensors, or read back from the saved weights' zeros.
import { ConfigError, safetensorsToTensors, tensorsToSafetensors, tf, writeSafetensorsFile } from '@llmkit/core';

/** Anything with named parameters (a core Module). */
export interface Parameterized {
  namedParameters(): [string, tf.Variable][];
}

export interface MagnitudePruningOptions {
  /** Fraction of the selected weights to zero, in [0, 1). */
  sparsity: number;
  /** 'global' (default): one threshold over all selected weights; 'perLayer': the same fraction of each. */
  scope?: 'global' | 'perLayer';
  /**
   * Which parameters to prune (default: matrices, rank >= 2, except embeddings — names containing
   * 'wte', 'wpe', 'embeddings' — whose rows are tokens — and 'lm_head', often tied to them).
   */
  include?: (name: string, parameter: tf.Variable) => boolean;
}

const defaultInclude = (name: string, p: tf.Variable) => p.rank >= 2 && !/(^|\.)(wte|wpe|embeddings|lm_head)(\.|$)|word_embeddings|position_embeddings/.test(name);

/** Masks over a model's parameters; `apply()` zeroes the pruned weights again. */
export class MagnitudePruner {
  private constructor(
    private readonly params: Map<string, tf.Variable>,
    readonly masks: Map<string, tf.Tensor>,
  ) {}

  /** Computes masks that zero the `sparsity` smallest |w| and applies them once. */
  static async prune(model: Parameterized, options: MagnitudePruningOptions): Promise<MagnitudePruner> {
    const where = 'MagnitudePruner.prune';
    const { sparsity } = options ?? ({} as MagnitudePruningOptions);
    if (typeof sparsity !== 'number' || !(sparsity >= 0 && sparsity < 1)) throw new ConfigError(`${where}: 'sparsity' must be a number in [0, 1); got ${String(sparsity)}`);
    const scope = options.scope ?? 'global';
    if (scope !== 'global' && scope !== 'perLayer') throw new ConfigError(`${where}: 'scope' must be 'global' or 'perLayer'; got ${String(scope)}`);
    const include = options.include ?? defaultInclude;
    const params = new Map(model.namedParameters().filter(([n, p]) => include(n, p)));
    if (params.size === 0) throw new ConfigError(`${where}: no parameter selected by 'include'`);
    const values = new Map<string, Float32Array>();
    for (const [n, p] of params) values.set(n, (await p.data()) as Float32Array);
    const keep = new Map<string, Uint8Array>();
    for (const [n, v] of values) keep.set(n, new Uint8Array(v.length).fill(1));
    // Prune exactly round(sparsity x count) weights per group, smallest |w| first (ties: lower index,
    // then earlier parameter), as torch's prune computes the count.
    const pruneGroup = (names: string[]) => {
      const entries: [number, number, number][] = []; // |w|, parameter, index
      names.forEach((n, pi) => values.get(n)!.forEach((x, i) => entries.push([Math.abs(x), pi, i])));
      const k = Math.round(sparsity * entries.length);
      entries.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
      for (let j = 0; j < k; j++) keep.get(names[entries[j]![1]]!)![entries[j]![2]] = 0;
    };
    if (scope === 'global') pruneGroup([...params.keys()]);
    else for (const n of params.keys()) pruneGroup([n]);
    const masks = new Map<string, tf.Tensor>();
    for (const [n, p] of params) masks.set(n, tf.keep(tf.tensor(Float32Array.from(keep.get(n)!), p.shape, 'float32')));
    const pruner = new MagnitudePruner(params, masks);
    pruner.apply();
    return pruner;
  }

  /** Masks from the zeros of already-pruned weights (e.g. after `GPT.load` of a pruned model). */
  static async fromZeros(model: Parameterized, options: Pick<MagnitudePruningOptions, 'include'> = {}): Promise<MagnitudePruner> {
    const include = options.include ?? defaultInclude;
    const params = new Map(model.namedParameters().filter(([n, p]) => include(n, p)));
    const masks = new Map<string, tf.Tensor>();
    for (const [n, p] of params) masks.set(n, tf.keep(tf.tidy(() => tf.cast(tf.notEqual(p, 0), 'float32'))));
    return new MagnitudePruner(params, masks);
  }

  /** Masks saved by `save`, for `model`'s parameters of the same names and shapes. */
  static async load(model: Parameterized, path: string): Promise<MagnitudePruner> {
    const { readFile } = await import('node:fs/promises');
    const tensors = safetensorsToTensors(await readFile(path));
    const all = new Map(model.namedParameters());
    const params = new Map<string, tf.Variable>();
    const masks = new Map<string, tf.Tensor>();
    try {
      for (const [n, m] of Object.entries(tensors)) {
        const p = all.get(n);
        if (!p || p.shape.join() !== m.shape.join()) {
          throw new ConfigError(`MagnitudePruner.load: mask '${n}' [${m.shape.join(', ')}] matches no parameter of the model${p ? ` (it is [${p.shape.join(', ')}])` : ''}`);
        }
        params.set(n, p);
        masks.set(n, tf.keep(m));
      }
    } catch (e) {
      tf.dispose(Object.values(tensors));
      throw e;
    }
    const pruner = new MagnitudePruner(params, masks);
    pruner.apply();
    return pruner;
  }

  /** Zeroes the pruned weights (after an optimizer update moved them). */
  apply(): void {
    for (const [n, p] of this.params) {
      const m = this.masks.get(n)!;
      const masked = tf.tidy(() => tf.mul(p, m));
      p.assign(masked); // the Variable takes the data; the handle is ours to free
      masked.dispose();
    }
  }

  /** Fraction of zeroed weights among the pruned parameters, per parameter and overall. */
  async sparsity(): Promise<{ overall: number; perParameter: Record<string, number> }> {
    let zeros = 0;
    let total = 0;
    const perParameter: Record<string, number> = {};
    for (const [n, m] of this.masks) {
      const v = (await m.data()) as Float32Array;
      const z = v.reduce((a, x) => a + (x === 0 ? 1 : 0), 0);
      perParameter[n] = z / v.length;
      zeros += z;
      total += v.length;
    }
    return { overall: zeros / total, perParameter };
  }

  /** Writes the masks as safetensors (names as the model's parameters). Node only. */
  async save(path: string): Promise<void> {
    await writeSafetensorsFile(path, await tensorsToSafetensors(Object.fromEntries(this.masks)));
  }

  /** A trainer callback that re-applies the masks after every optimizer step. */
  callback(): { readonly name: string; onStep(): void } {
    return { name: 'magnitude-pruning', onStep: () => this.apply() };
  }

  dispose(): void {
    tf.dispose([...this.masks.values()]);
    this.masks.clear();
  }
}
