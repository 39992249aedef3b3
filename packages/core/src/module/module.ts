// `Module`, the base class of every llmkit layer and model: it owns the parameters, buffers and
// child modules that a subclass registers, names them by dotted path, and saves, loads,
// switches mode and frees them all at once, as torch.nn.Module does.
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, StateDictError } from '../errors.js';
import { checkName, type EntryKind } from './names.js';
import { loadStateDict, type LoadStateDictOptions, type LoadStateDictResult, type StateDict, type StateDictLike } from './state-dict.js';

const MODULE_MARK = Symbol.for('llmkit.module');

/**
 * True for any {@link Module}, from any copy of `@llmkit/core` (two copies can meet in one
 * program, where `instanceof` would say no).
 *
 * ```ts
 * if (isModule(value)) value.eval();
 * ```
 */
export function isModule(value: unknown): value is Module {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MODULE_MARK] === true;
}

/** Options of {@link Module.registerParameter}. */
export interface ParameterOptions {
  /**
   * Whether optimizers update it (`tf.Variable.trainable`). Default: true for a new variable;
   * for a Variable passed in, its own flag is kept unless this is given (then it is set, which
   * a tied weight shares).
   */
  trainable?: boolean;
}

/** Options of {@link Module.registerBuffer}. */
export interface BufferOptions {
  /** Whether it is saved in {@link Module.stateDict} and expected by `loadStateDict`. Default true. */
  persistent?: boolean;
}

/** Options of {@link Module.numParameters}. */
export interface NumParametersOptions {
  /** Count only parameters with `trainable` set. Default false. */
  trainableOnly?: boolean;
}

interface BufferEntry {
  variable: tf.Variable;
  persistent: boolean;
}

function joinPath(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

/**
 * The base class of layers and models. A subclass registers its state in the constructor and
 * keeps the returned Variables (or child modules) in fields for its forward pass:
 *
 * ```ts
 * class Linear extends Module {
 *   readonly weight: tf.Variable;
 *   constructor(nIn: number, nOut: number, rng: Rng) {
 *     super();
 *     this.weight = this.registerParameter('weight', normal([nIn, nOut], { std: 0.02, rng }));
 *   }
 *   forward(x: tf.Tensor): tf.Tensor { return tf.matMul(x, this.weight); }
 * }
 * const fc = new Linear(4, 8, new Rng(0));
 * fc.namedParameters(); // [['weight', Variable]]
 * fc.dispose();
 * ```
 *
 * Order: a module lists its own parameters (then buffers) in registration order, then each
 * child's, depth first, as PyTorch does; so paths read `h.0.attn.c_attn.weight`.
 *
 * Tied weights: registering one Variable at two paths (e.g. `wte.weight` and `lm_head.weight`)
 * ties them. `namedParameters()`/`parameters()`/`numParameters()` list it once, under the first
 * path; `stateDict()` has both keys, mapped to the same Variable (as torch's `state_dict()`), so
 * a checkpoint writer can spot ties by identity; `loadStateDict` fills it from either key.
 *
 * Ownership: the module owns every Variable registered in it, including ones passed in, and
 * {@link Module.dispose} frees each exactly once.
 */
export abstract class Module {
  readonly [MODULE_MARK] = true;
  private readonly _parameters = new Map<string, tf.Variable>();
  private readonly _buffers = new Map<string, BufferEntry>();
  private readonly _modules = new Map<string, Module>();
  private _training = true;
  private _disposed = false;

  /** True in training mode (the default), false after {@link Module.eval}; layers such as dropout read it. */
  get training(): boolean {
    return this._training;
  }

  /** True once {@link Module.dispose} has run on this module or an ancestor. */
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** The class name, used in error messages. */
  private get label(): string {
    return this.constructor.name || 'Module';
  }

  private takenAs(name: string): EntryKind | undefined {
    if (this._parameters.has(name)) return 'parameter';
    if (this._buffers.has(name)) return 'buffer';
    if (this._modules.has(name)) return 'module';
    return undefined;
  }

  private checkRegistration(where: string, name: unknown): asserts name is string {
    if (this._disposed) throw new ConfigError(`${this.label}.${where}: the module is disposed`);
    checkName(`${this.label}.${where}`, name, (n) => this.takenAs(n));
  }

  /**
   * The Variable to store for `value`: a Variable is kept as is (so it can be tied); a plain
   * tensor is wrapped in a new Variable and then disposed, so that
   * `registerParameter('w', normal(...))` leaks nothing. tfjs names the new Variable with a
   * unique id: its engine rejects duplicate names, so the dotted path (the same in every
   * instance of a model) cannot be the name; the path is what `namedParameters()` returns.
   */
  private adopt<R extends tf.Rank>(where: string, name: string, value: tf.Tensor<R>, trainable: boolean): tf.Variable<R> {
    if (!(value instanceof tf.Tensor)) {
      throw new ConfigError(`${this.label}.${where}: '${name}' must be a tf.Tensor or tf.Variable, got ${typeName(value)}`);
    }
    if (value.isDisposed) {
      throw new ConfigError(`${this.label}.${where}: the tensor given for '${name}' is disposed`);
    }
    if (value instanceof tf.Variable) return value as tf.Variable<R>;
    const variable = tf.variable(value, trainable);
    value.dispose();
    return variable;
  }

  /**
   * Registers a parameter under `name` and returns its Variable. A plain tensor is consumed:
   * it is wrapped in a new Variable and disposed. A Variable is stored as is, which ties it to
   * wherever else it is registered.
   *
   * ```ts
   * this.weight = this.registerParameter('weight', normal([c, 3 * c], { std: 0.02, rng }));
   * this.registerParameter('weight', wte.weight); // in lm_head: ties it to the embedding
   * ```
   * @throws ConfigError on an empty name, one with '.', or one already used in this module; a
   *   plain tensor is then not consumed and stays the caller's to dispose.
   */
  registerParameter<R extends tf.Rank>(name: string, value: tf.Tensor<R> | tf.Variable<R>, options: ParameterOptions = {}): tf.Variable<R> {
    this.checkRegistration('registerParameter', name);
    const { trainable } = options;
    if (trainable !== undefined && typeof trainable !== 'boolean') {
      throw new ConfigError(`${this.label}.registerParameter: options.trainable for '${name}' must be a boolean, got ${typeof trainable}`);
    }
    const variable = this.adopt('registerParameter', name, value, trainable ?? true);
    if (trainable !== undefined) variable.trainable = trainable;
    this._parameters.set(name, variable);
    return variable;
  }

  /**
   * Registers a buffer: state that is not trained (a causal mask, running statistics). It is
   * stored as a non-trainable Variable so `loadStateDict` can update it in place; a plain
   * tensor is consumed as in {@link Module.registerParameter}.
   *
   * ```ts
   * this.registerBuffer('mask', tf.tidy(() => tf.linalg.bandPart(tf.ones([t, t]), -1, 0)), { persistent: false });
   * ```
   * @throws ConfigError on a bad name, or a Variable that is trainable (optimizers would update it).
   */
  registerBuffer<R extends tf.Rank>(name: string, value: tf.Tensor<R>, options: BufferOptions = {}): tf.Variable<R> {
    this.checkRegistration('registerBuffer', name);
    const { persistent = true } = options;
    if (typeof persistent !== 'boolean') {
      throw new ConfigError(`${this.label}.registerBuffer: options.persistent for '${name}' must be a boolean, got ${typeof persistent}`);
    }
    // tf.Optimizer.minimize() without a varList updates every trainable Variable in the engine.
    if (value instanceof tf.Variable && value.trainable) {
      throw new ConfigError(`${this.label}.registerBuffer: the Variable given for buffer '${name}' is trainable; set trainable = false or register it as a parameter`);
    }
    const variable = this.adopt('registerBuffer', name, value, false);
    this._buffers.set(name, { variable, persistent });
    return variable;
  }

  /**
   * Registers a child module and returns it; its entries appear under `name.` in every listing.
   * One module may be registered in several places (its weights are then shared).
   *
   * ```ts
   * this.attn = this.registerModule('attn', new CausalSelfAttention(config));
   * ```
   * @throws ConfigError on a bad name, a value that is not a Module, or a cycle (a module inside itself).
   */
  registerModule<M extends Module>(name: string, module: M): M {
    this.checkRegistration('registerModule', name);
    if (!isModule(module)) {
      throw new ConfigError(`${this.label}.registerModule: '${name}' must be a Module, got ${typeName(module)}`);
    }
    if ((module as Module) === this || module.modules().includes(this)) {
      throw new ConfigError(`${this.label}.registerModule: registering '${name}' would put the module inside itself`);
    }
    this._modules.set(name, module);
    return module;
  }

  /**
   * Every module occurrence with its path, this one first as '', depth first, without removing
   * shared modules (state dicts list a shared module under each of its paths).
   */
  private *walk(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [name, child] of this._modules) yield* child.walk(joinPath(prefix, name));
  }

  /**
   * This module (path '') and every descendant with its dotted path, depth first; a module
   * registered at several paths appears once, at the first.
   *
   * ```ts
   * model.namedModules().map(([path]) => path); // ['', 'h', 'h.0', 'h.0.fc', ...]
   * ```
   */
  namedModules(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [path, module] of this.walk()) {
      if (seen.has(module)) continue;
      seen.add(module);
      out.push([path, module]);
    }
    return out;
  }

  /** The modules of {@link Module.namedModules}: this one first, then every descendant once. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * The direct children with their names, in registration order (a child registered twice, once).
   *
   * ```ts
   * for (const [name, child] of model.namedChildren()) console.log(name, child.numParameters());
   * ```
   */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, child] of this._modules) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push([name, child]);
    }
    return out;
  }

  /** The direct children, in registration order. `mlp.children() // [fc, proj]` */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * Every parameter with its dotted path: own ones first, then each child's, depth first. A tied
   * Variable appears once, under its first path (use {@link Module.stateDict} to see every path).
   *
   * ```ts
   * model.namedParameters().map(([path]) => path); // ['wte.weight', 'h.0.attn.c_attn.weight', ...]
   * ```
   */
  namedParameters(): [string, tf.Variable][] {
    return this.namedEntries((m) => [...m._parameters]);
  }

  /** The Variables of {@link Module.namedParameters}, each once. `optimizer.minimize(loss, false, model.parameters())` */
  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /** The parameters with `trainable` set: the `varList` to give an optimizer after {@link Module.freeze} of a part. */
  trainableParameters(): tf.Variable[] {
    return this.parameters().filter((v) => v.trainable);
  }

  /**
   * Every buffer, persistent or not, with its dotted path, in the order of
   * {@link Module.namedParameters}. `model.namedBuffers() // [['h.0.attn.mask', Variable]]`
   */
  namedBuffers(): [string, tf.Variable][] {
    return this.namedEntries((m) => [...m._buffers].map(([name, b]) => [name, b.variable] as [string, tf.Variable]));
  }

  /** The Variables of {@link Module.namedBuffers}, each once. */
  buffers(): tf.Variable[] {
    return this.namedBuffers().map(([, v]) => v);
  }

  private namedEntries(own: (m: Module) => [string, tf.Variable][]): [string, tf.Variable][] {
    const seen = new Set<tf.Variable>();
    const out: [string, tf.Variable][] = [];
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, variable] of own(module)) {
        if (seen.has(variable)) continue;
        seen.add(variable);
        out.push([joinPath(prefix, name), variable]);
      }
    }
    return out;
  }

  /**
   * The number of scalars in the parameters, a tied Variable counted once.
   *
   * ```ts
   * gpt.numParameters(); // 124439808 for GPT-2 small, lm_head tied to wte
   * ```
   */
  numParameters(options: NumParametersOptions = {}): number {
    const params = options.trainableOnly ? this.trainableParameters() : this.parameters();
    return params.reduce((n, v) => n + v.size, 0);
  }

  /**
   * Every parameter and persistent buffer by dotted path, in the order of
   * {@link Module.namedParameters} (own parameters, own buffers, then children). Tied weights
   * appear under every path, mapped to the same Variable.
   *
   * The values are the module's live Variables, not copies: nothing is allocated, so nothing
   * can leak, and later training steps show through. Do not dispose or assign them. For a
   * snapshot that outlives training or `dispose()`, clone each value (`tf.clone` shares the
   * data until the Variable is next assigned, so it costs no memory until then) and dispose
   * the clones yourself.
   *
   * ```ts
   * const sd = model.stateDict();
   * sd.get('lm_head.weight') === sd.get('wte.weight'); // true when tied
   * other.loadStateDict(sd);
   * ```
   * @throws StateDictError if a Variable has been disposed.
   */
  stateDict(): StateDict {
    return this.variablesByPath('stateDict');
  }

  private variablesByPath(where: string): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [prefix, module] of this.walk()) {
      for (const [name, variable] of module._parameters) out.set(joinPath(prefix, name), variable);
      for (const [name, buffer] of module._buffers) {
        if (buffer.persistent) out.set(joinPath(prefix, name), buffer.variable);
      }
    }
    for (const [key, value] of out) {
      if (value.isDisposed) throw new StateDictError(`${this.label}.${where}: '${key}' is disposed`);
    }
    return out;
  }

  /**
   * Copies `dict` into the parameters and persistent buffers, all or nothing: every key is
   * checked (missing, unexpected, shape, dtype) before any Variable is assigned. The Variables
   * take references to the given tensors' data (tfjs counts them), so the caller may dispose
   * `dict` right after. A tied weight loads from any of its keys; if several are given they must
   * hold equal values.
   *
   * ```ts
   * model.loadStateDict(weights);                                   // strict: exact key set
   * const { missingKeys } = model.loadStateDict(partial, { strict: false });
   * ```
   * @throws StateDictError naming every offending key with expected and actual shape or dtype.
   *   With `strict: false`, missing and unexpected keys are returned instead, but a wrong shape
   *   or dtype still throws.
   */
  loadStateDict(dict: StateDictLike, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadStateDict(this.label, this.variablesByPath('loadStateDict'), dict, options);
  }

  /**
   * Sets training mode on this module and every descendant; returns `this`.
   *
   * ```ts
   * model.train();       // dropout on
   * model.train(false);  // same as eval()
   * ```
   */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new ConfigError(`${this.label}.train: mode must be a boolean, got ${typeof mode}`);
    for (const module of this.modules()) module._training = mode;
    return this;
  }

  /** Sets evaluation mode (`training = false`) on this module and every descendant. `model.eval()` */
  eval(): this {
    return this.train(false);
  }

  /**
   * Sets `trainable` on every parameter of this module and its descendants; returns `this`. A
   * Variable tied to a module outside this one changes there too, since it is the same Variable.
   *
   * ```ts
   * model.setTrainable(false);
   * model.lmHead.setTrainable(true); // fine-tune only the head
   * ```
   */
  setTrainable(trainable: boolean): this {
    if (typeof trainable !== 'boolean') {
      throw new ConfigError(`${this.label}.setTrainable: expected a boolean, got ${typeof trainable}`);
    }
    for (const variable of this.parameters()) variable.trainable = trainable;
    return this;
  }

  /** `setTrainable(false)`: optimizers given `trainableParameters()` leave it alone. `model.wte.freeze()` */
  freeze(): this {
    return this.setTrainable(false);
  }

  /** `setTrainable(true)`. `model.unfreeze()` */
  unfreeze(): this {
    return this.setTrainable(true);
  }

  /**
   * Frees every parameter and buffer of this module and its descendants, each Variable exactly
   * once however often it is tied; calling it again does nothing. A Variable shared with a module
   * outside this tree is freed too.
   *
   * ```ts
   * const model = new GPT(config);
   * try { ... } finally { model.dispose(); }
   * ```
   */
  dispose(): void {
    const variables = new Set<tf.Variable>();
    for (const module of this.modules()) {
      module._disposed = true;
      for (const variable of module._parameters.values()) variables.add(variable);
      for (const buffer of module._buffers.values()) variables.add(buffer.variable);
    }
    // Variable.dispose() has no guard of its own: a second call would release the data twice.
    for (const variable of variables) if (!variable.isDisposed) variable.dispose();
  }
}
