// A small stand-in for `vitest` in the browser bundle (build.ts aliases the module 'vitest' to this
// file): describe/it/test with .skip/.skipIf/.runIf/.todo, the four hooks and the part of `expect`
// that @llmkit/testkit uses (and a little more). Tests are collected when describe() runs and run
// sequentially by `runCollected()`, awaiting async tests and hooks. A matcher it lacks fails the test
// with a message naming this file, instead of passing silently.

type Fn = () => unknown;

interface TestNode {
  kind: 'test';
  name: string;
  fn: Fn;
  skip: string | null;
  timeout: number | undefined;
}

interface SuiteNode {
  kind: 'suite';
  name: string;
  children: (SuiteNode | TestNode)[];
  skip: string | null;
  beforeAll: Fn[];
  afterAll: Fn[];
  beforeEach: Fn[];
  afterEach: Fn[];
}

const root: SuiteNode = newSuite('', null);
let current: SuiteNode = root;
const pendingCollections: Promise<unknown>[] = [];

function newSuite(name: string, skip: string | null): SuiteNode {
  return { kind: 'suite', name, children: [], skip, beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
}

type Options = { timeout?: number; skip?: boolean } | number | undefined;

function splitArgs(a: Fn | Options, b: Fn | Options): { fn: Fn | undefined; timeout: number | undefined; skip: boolean } {
  const fn = (typeof a === 'function' ? a : typeof b === 'function' ? b : undefined) as Fn | undefined;
  const opts = typeof a === 'function' ? b : a;
  const timeout = typeof opts === 'number' ? opts : typeof opts === 'object' && opts ? opts.timeout : undefined;
  const skip = typeof opts === 'object' && opts ? opts.skip === true : false;
  return { fn, timeout, skip };
}

function addSuite(name: string, a: Fn | Options, b: Fn | Options, skip: string | null): void {
  const { fn, skip: optSkip } = splitArgs(a, b);
  const suite = newSuite(name, skip ?? (optSkip ? 'skipped' : null) ?? current.skip);
  if (current.skip) suite.skip = current.skip;
  current.children.push(suite);
  const parent = current;
  current = suite;
  try {
    const r = fn?.();
    if (r && typeof (r as Promise<unknown>).then === 'function') pendingCollections.push(r as Promise<unknown>);
  } finally {
    current = parent;
  }
}

function addTest(name: string, a: Fn | Options, b: Fn | Options, skip: string | null): void {
  const { fn, timeout, skip: optSkip } = splitArgs(a, b);
  current.children.push({
    kind: 'test',
    name,
    fn: fn ?? (() => {}),
    skip: skip ?? (optSkip ? 'skipped' : null) ?? current.skip ?? (fn ? null : 'todo'),
    timeout,
  });
}

type SuiteFn = (name: string, a?: Fn | Options, b?: Fn | Options) => void;
type TestFn = (name: string, a?: Fn | Options, b?: Fn | Options) => void;

export const describe = Object.assign(((name, a, b) => addSuite(name, a, b, null)) as SuiteFn, {
  skip: ((name, a, b) => addSuite(name, a, b, 'describe.skip')) as SuiteFn,
  only: ((name, a, b) => addSuite(name, a, b, null)) as SuiteFn,
  skipIf: (cond: unknown): SuiteFn => (name, a, b) => addSuite(name, a, b, cond ? 'describe.skipIf' : null),
  runIf: (cond: unknown): SuiteFn => (name, a, b) => addSuite(name, a, b, cond ? null : 'describe.runIf'),
  todo: ((name) => addSuite(name, undefined, undefined, 'todo')) as SuiteFn,
});

export const it = Object.assign(((name, a, b) => addTest(name, a, b, null)) as TestFn, {
  skip: ((name, a, b) => addTest(name, a, b, 'it.skip')) as TestFn,
  only: ((name, a, b) => addTest(name, a, b, null)) as TestFn,
  skipIf: (cond: unknown): TestFn => (name, a, b) => addTest(name, a, b, cond ? 'it.skipIf' : null),
  runIf: (cond: unknown): TestFn => (name, a, b) => addTest(name, a, b, cond ? null : 'it.runIf'),
  todo: ((name) => addTest(name, undefined, undefined, 'todo')) as TestFn,
});
export const test = it;

export function beforeAll(fn: Fn): void {
  current.beforeAll.push(fn);
}
export function afterAll(fn: Fn): void {
  current.afterAll.push(fn);
}
export function beforeEach(fn: Fn): void {
  current.beforeEach.push(fn);
}
export function afterEach(fn: Fn): void {
  current.afterEach.push(fn);
}

// ---------------------------------------------------------------------------------------------
// expect

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v == null) return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'function') return `[Function ${v.name || 'anonymous'}]`;
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (ArrayBuffer.isView(x) && !(x instanceof DataView) ? Array.from(x as unknown as ArrayLike<number>) : x));
    return s.length > 400 ? `${s.slice(0, 400)}…` : s;
  } catch {
    return String(v);
  }
}

function equals(a: unknown, b: unknown, strict: boolean): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) && (strict || Array.isArray(a) !== Array.isArray(b))) return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !equals(v, b.get(k), strict)) return false;
    return true;
  }
  if (a instanceof Set && b instanceof Set) {
    if (a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b) || Array.isArray(a) || Array.isArray(b)) {
    const x = a as ArrayLike<unknown>, y = b as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equals(x[i], y[i], strict)) return false;
    return true;
  }
  const ra = a as Record<string, unknown>, rb = b as Record<string, unknown>;
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => strict || o[k] !== undefined);
  const ka = keys(ra), kb = keys(rb);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && equals(ra[k], rb[k], strict));
}

type Check = (actual: unknown, ...args: unknown[]) => { pass: boolean; message: string };

const num = (v: unknown) => v as number;

const matchers: Record<string, Check> = {
  toBe: (a, e) => ({ pass: Object.is(a, e), message: `expected ${show(a)} to be ${show(e)}` }),
  toEqual: (a, e) => ({ pass: equals(a, e, false), message: `expected ${show(a)} to equal ${show(e)}` }),
  toStrictEqual: (a, e) => ({ pass: equals(a, e, true), message: `expected ${show(a)} to strictly equal ${show(e)}` }),
  toBeCloseTo: (a, e, digits = 2) => ({
    pass: Math.abs(num(a) - num(e)) < 10 ** -num(digits) / 2,
    message: `expected ${show(a)} to be close to ${show(e)} (${show(digits)} digits)`,
  }),
  toBeLessThan: (a, e) => ({ pass: num(a) < num(e), message: `expected ${show(a)} to be < ${show(e)}` }),
  toBeLessThanOrEqual: (a, e) => ({ pass: num(a) <= num(e), message: `expected ${show(a)} to be <= ${show(e)}` }),
  toBeGreaterThan: (a, e) => ({ pass: num(a) > num(e), message: `expected ${show(a)} to be > ${show(e)}` }),
  toBeGreaterThanOrEqual: (a, e) => ({ pass: num(a) >= num(e), message: `expected ${show(a)} to be >= ${show(e)}` }),
  toContain: (a, e) => ({
    pass: typeof a === 'string' ? a.includes(e as string) : Array.from(a as Iterable<unknown>).includes(e),
    message: `expected ${show(a)} to contain ${show(e)}`,
  }),
  toContainEqual: (a, e) => ({
    pass: Array.from(a as Iterable<unknown>).some((x) => equals(x, e, false)),
    message: `expected ${show(a)} to contain an element equal to ${show(e)}`,
  }),
  toHaveLength: (a, n) => ({ pass: (a as { length: number }).length === n, message: `expected ${show(a)} to have length ${show(n)}` }),
  toBeTruthy: (a) => ({ pass: !!a, message: `expected ${show(a)} to be truthy` }),
  toBeFalsy: (a) => ({ pass: !a, message: `expected ${show(a)} to be falsy` }),
  toBeNull: (a) => ({ pass: a === null, message: `expected ${show(a)} to be null` }),
  toBeUndefined: (a) => ({ pass: a === undefined, message: `expected ${show(a)} to be undefined` }),
  toBeDefined: (a) => ({ pass: a !== undefined, message: `expected ${show(a)} to be defined` }),
  toBeNaN: (a) => ({ pass: Number.isNaN(a), message: `expected ${show(a)} to be NaN` }),
  toBeInstanceOf: (a, c) => ({
    pass: a instanceof (c as new () => unknown),
    message: `expected ${show(a)} to be an instance of ${(c as { name?: string }).name}`,
  }),
  toMatch: (a, p) => ({
    pass: typeof p === 'string' ? String(a).includes(p) : (p as RegExp).test(String(a)),
    message: `expected ${show(a)} to match ${String(p)}`,
  }),
  toHaveProperty: (a, key, ...rest) => {
    const parts = Array.isArray(key) ? (key as string[]) : String(key).split('.');
    let o: unknown = a;
    let has = true;
    for (const p of parts) {
      if (o != null && p in Object(o)) o = (o as Record<string, unknown>)[p];
      else {
        has = false;
        break;
      }
    }
    const pass = has && (rest.length === 0 || equals(o, rest[0], false));
    return { pass, message: `expected ${show(a)} to have property ${parts.join('.')}${rest.length ? ` = ${show(rest[0])}` : ''}` };
  },
  toThrow: (a, e) => {
    let thrown: unknown;
    let threw = false;
    try {
      (a as () => unknown)();
    } catch (err) {
      threw = true;
      thrown = err;
    }
    const msg = thrown instanceof Error ? thrown.message : String(thrown);
    let pass = threw;
    if (threw && e !== undefined) {
      if (typeof e === 'string') pass = msg.includes(e);
      else if (e instanceof RegExp) pass = e.test(msg);
      else if (typeof e === 'function') pass = thrown instanceof (e as new () => unknown);
      else if (e instanceof Error) pass = msg === e.message;
    }
    return { pass, message: threw ? `expected the function to throw ${show(e)}, it threw ${show(thrown)}` : 'expected the function to throw' };
  },
};
matchers.toThrowError = matchers.toThrow!;

class AssertionError extends Error {
  override name = 'AssertionError';
}

type Matchers = Record<string, (...args: unknown[]) => void> & { not: Matchers; resolves: AsyncMatchers; rejects: AsyncMatchers };
type AsyncMatchers = Record<string, (...args: unknown[]) => Promise<void>> & { not: AsyncMatchers };

function makeMatchers(get: () => unknown, negate: boolean, label: string | undefined): Matchers {
  return new Proxy({} as Matchers, {
    get(_t, prop) {
      if (prop === 'not') return makeMatchers(get, !negate, label);
      if (prop === 'then') return undefined;
      const check = typeof prop === 'string' ? matchers[prop] : undefined;
      if (!check) {
        throw new Error(`expect(...).${String(prop)} is not implemented by the browser vitest shim (packages/backend-webgpu/test/browser/vitest-shim.ts)`);
      }
      return (...args: unknown[]) => {
        const { pass, message } = check(get(), ...args);
        if (pass === negate) {
          const m = negate ? message.replace(/^expected (.*?) to /, 'expected $1 not to ') : message;
          throw new AssertionError(label ? `${label}: ${m}` : m);
        }
      };
    },
  });
}

function makeAsyncMatchers(promise: unknown, mode: 'resolves' | 'rejects', negate: boolean, label: string | undefined): AsyncMatchers {
  return new Proxy({} as AsyncMatchers, {
    get(_t, prop) {
      if (prop === 'not') return makeAsyncMatchers(promise, mode, !negate, label);
      if (prop === 'then') return undefined;
      return async (...args: unknown[]) => {
        let value: unknown;
        try {
          value = await (promise as Promise<unknown>);
          if (mode === 'rejects') throw new AssertionError(`expected the promise to reject, it resolved to ${show(value)}`);
        } catch (err) {
          if (err instanceof AssertionError || mode === 'resolves') throw err;
          value = err;
        }
        const m = makeMatchers(() => value, negate, label);
        (m[prop as string] as (...a: unknown[]) => void)(...args);
      };
    },
  });
}

export function expect(actual: unknown, label?: string): Matchers {
  const m = makeMatchers(() => actual, false, label);
  return new Proxy(m, {
    get(t, prop) {
      if (prop === 'resolves' || prop === 'rejects') return makeAsyncMatchers(actual, prop, false, label);
      return (t as unknown as Record<string | symbol, unknown>)[prop];
    },
  });
}

// ---------------------------------------------------------------------------------------------
// running

export interface ShimResult {
  path: string[];
  status: 'pass' | 'fail' | 'skip';
  error?: string;
  durationMs: number;
}

export interface RunHooks {
  onStart?(path: string[]): void;
  onResult?(result: ShimResult): void | Promise<void>;
  /** Default per-test timeout for async tests (a synchronous test cannot be interrupted). */
  testTimeoutMs?: number;
  hookTimeoutMs?: number;
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const stack = (err.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 6).join('\n');
    return `${err.name}: ${err.message}${stack ? `\n${stack}` : ''}`;
  }
  return String(err);
}

async function withTimeout(fn: Fn, ms: number | undefined, what: string): Promise<void> {
  const r = fn();
  if (!r || typeof (r as Promise<unknown>).then !== 'function') return;
  if (!ms) {
    await r;
    return;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      r,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function countTests(s: SuiteNode): number {
  return s.children.reduce((n, c) => n + (c.kind === 'test' ? 1 : countTests(c)), 0);
}

/** Number of tests registered so far (after awaiting async describe bodies). */
export async function collectedCount(): Promise<number> {
  await Promise.all(pendingCollections);
  return countTests(root);
}

/** Runs every registered test in order; returns the results (also passed to `hooks.onResult`). */
export async function runCollected(hooks: RunHooks = {}): Promise<ShimResult[]> {
  await Promise.all(pendingCollections);
  const results: ShimResult[] = [];
  const emit = async (r: ShimResult) => {
    results.push(r);
    await hooks.onResult?.(r);
  };

  const skipAll = async (s: SuiteNode, path: string[], reason: string, status: 'skip' | 'fail') => {
    for (const c of s.children) {
      if (c.kind === 'test') await emit({ path: [...path, c.name], status: c.skip ? 'skip' : status, error: c.skip ?? reason, durationMs: 0 });
      else await skipAll(c, [...path, c.name], reason, status);
    }
  };

  const hasRunnable = (s: SuiteNode): boolean => !s.skip && s.children.some((c) => (c.kind === 'test' ? !c.skip : hasRunnable(c)));

  const runSuite = async (s: SuiteNode, path: string[], eachBefore: Fn[], eachAfter: Fn[]): Promise<void> => {
    if (!hasRunnable(s)) {
      await skipAll(s, path, s.skip ?? 'skipped', 'skip');
      return;
    }
    for (const h of s.beforeAll) {
      try {
        await withTimeout(h, hooks.hookTimeoutMs, `beforeAll of "${path.join(' > ') || '(root)'}"`);
      } catch (err) {
        await skipAll(s, path, `beforeAll failed: ${describeError(err)}`, 'fail');
        return;
      }
    }
    const before = [...eachBefore, ...s.beforeEach];
    const after = [...s.afterEach, ...eachAfter];
    for (const c of s.children) {
      if (c.kind === 'suite') {
        await runSuite(c, [...path, c.name], before, after);
        continue;
      }
      const p = [...path, c.name];
      if (c.skip) {
        await emit({ path: p, status: 'skip', error: c.skip, durationMs: 0 });
        continue;
      }
      hooks.onStart?.(p);
      const t0 = performance.now();
      let error: string | undefined;
      try {
        for (const h of before) await withTimeout(h, hooks.hookTimeoutMs, 'beforeEach');
        await withTimeout(c.fn, c.timeout ?? hooks.testTimeoutMs, `test "${c.name}"`);
      } catch (err) {
        error = describeError(err);
      }
      for (const h of after) {
        try {
          await withTimeout(h, hooks.hookTimeoutMs, 'afterEach');
        } catch (err) {
          error ??= `afterEach failed: ${describeError(err)}`;
        }
      }
      await emit({ path: p, status: error === undefined ? 'pass' : 'fail', ...(error === undefined ? {} : { error }), durationMs: performance.now() - t0 });
    }
    for (const h of s.afterAll) {
      try {
        await withTimeout(h, hooks.hookTimeoutMs, 'afterAll');
      } catch (err) {
        await emit({ path: [...path, '(afterAll)'], status: 'fail', error: describeError(err), durationMs: 0 });
      }
    }
  };

  await runSuite(root, [], [], []);
  return results;
}
