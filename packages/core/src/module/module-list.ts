// ModuleList: child modules named 0, 1, 2, … in order, like torch.nn.ModuleList, so a stack of
// blocks saves as `h.0.…`, `h.1.…`.
import { ConfigError } from '../errors.js';
import { isModule, Module } from './module.js';

/**
 * An ordered list of child modules, registered under their index.
 *
 * ```ts
 * this.h = this.registerModule('h', new ModuleList(range(nLayer).map(() => new Block(config))));
 * for (const block of this.h) x = block.forward(x);
 * this.h.at(-1); // the last block
 * ```
 */
export class ModuleList<M extends Module = Module> extends Module implements Iterable<M> {
  private readonly items: M[] = [];

  /** @param modules the initial children, named 0, 1, … in this order. */
  constructor(modules: Iterable<M> = []) {
    super();
    this.push(...modules);
  }

  /** The number of children. */
  get length(): number {
    return this.items.length;
  }

  /**
   * Appends children, each named by its index; returns `this`. All are checked to be modules
   * before any is added. `list.push(new Block(config))`
   */
  push(...modules: M[]): this {
    modules.forEach((m, i) => {
      if (!isModule(m)) throw new ConfigError(`ModuleList.push: argument ${i} must be a Module, got ${m === null ? 'null' : typeof m}`);
    });
    for (const module of modules) {
      super.registerModule(String(this.items.length), module);
      this.items.push(module);
    }
    return this;
  }

  /**
   * The child at `index`; a negative index counts from the end, as `Array.prototype.at`.
   * `blocks.at(0)`, `blocks.at(-1)`
   * @throws ConfigError when the index is not an integer in [-length, length).
   */
  at(index: number): M {
    const i = Number.isInteger(index) && index < 0 ? index + this.items.length : index;
    const item = Number.isInteger(i) ? this.items[i] : undefined;
    if (item === undefined) {
      throw new ConfigError(`ModuleList.at: index ${index} is out of range for a list of length ${this.items.length}`);
    }
    return item;
  }

  /** The children in order. `for (const block of blocks) ...` */
  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }

  /** Not for lists: the names are indices. Use {@link ModuleList.push}. */
  override registerModule<T extends Module>(name: string, _module: T): T {
    throw new ConfigError(`ModuleList.registerModule: children of a list are named by index; use push() instead of registering '${name}'`);
  }
}
