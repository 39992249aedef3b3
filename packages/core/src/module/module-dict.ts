// ModuleDict: child modules under chosen names, in insertion order, like torch.nn.ModuleDict.
import { ConfigError } from '../errors.js';
import { Module } from './module.js';

/**
 * A map of child modules by name, kept in insertion order; names follow the rules of
 * {@link Module.registerModule} (non-empty, no '.', unique).
 *
 * ```ts
 * const heads = new ModuleDict({ lm: new LMHead(config), cls: new ClassifierHead(config) });
 * heads.get('lm')?.forward(h);
 * ```
 */
export class ModuleDict<M extends Module = Module> extends Module implements Iterable<[string, M]> {
  private readonly items = new Map<string, M>();

  /** @param modules the initial children, as a record or as [name, module] pairs. */
  constructor(modules: Readonly<Record<string, M>> | Iterable<readonly [string, M]> = []) {
    super();
    const entries = Symbol.iterator in modules ? modules : Object.entries(modules);
    for (const [name, module] of entries as Iterable<readonly [string, M]>) this.set(name, module);
  }

  /** The number of children. */
  get size(): number {
    return this.items.size;
  }

  /**
   * Adds a child under `name`; returns `this`. `heads.set('lm', new LMHead(config))`
   * @throws ConfigError if the name is invalid or already used.
   */
  set(name: string, module: M): this {
    super.registerModule(name, module);
    this.items.set(name, module);
    return this;
  }

  /** The child named `name`, or undefined. `heads.get('lm')` */
  get(name: string): M | undefined {
    return this.items.get(name);
  }

  /** Whether a child is named `name`. `heads.has('lm')` */
  has(name: string): boolean {
    return this.items.has(name);
  }

  /** The names, in insertion order. */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /** The children, in insertion order. */
  values(): M[] {
    return [...this.items.values()];
  }

  /** The [name, child] pairs, in insertion order. */
  entries(): [string, M][] {
    return [...this.items.entries()];
  }

  /** The [name, child] pairs. `for (const [name, head] of heads) ...` */
  [Symbol.iterator](): Iterator<[string, M]> {
    return this.items.entries();
  }

  /** Not for dicts, whose children must stay in `get()`: use {@link ModuleDict.set}. */
  override registerModule<T extends Module>(name: string, _module: T): T {
    throw new ConfigError(`ModuleDict.registerModule: use set('${name}', module) to add a child`);
  }
}
