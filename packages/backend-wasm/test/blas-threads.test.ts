// The per-shape thread choice (blas-threads.ts) on a simulated BLAS and clock: a product runs on
// the count its shape measured faster, times the other one call in EXPLORE_EVERY, follows a
// change of which is faster (the machine's load changing), leaves small products alone, and
// passes every argument through untouched.
import { describe, expect, it } from 'vitest';
import { adaptiveThreads, EXPLORE_EVERY, MIN_THREADED_MNK } from '../src/blas-threads.js';
import type { Blas } from '../src/blas.js';

/** A BLAS whose products take `cost(threads)` ms on a fake clock; records the threads of every call. */
function fakeBlas(cost: (threads: number) => number) {
  let clock = 0, threads = 2;
  const calls: { threads: number; args: unknown[] }[] = [];
  const blas: Blas = {
    library: 'fake',
    vendor: 'openblas',
    get threads() {
      return threads;
    },
    setThreads(n) {
      threads = n;
    },
    sgemm(...args) {
      calls.push({ threads, args });
      clock += cost(threads);
    },
  };
  return { blas, calls, now: () => clock };
}

const A = new Float32Array(4), B = new Float32Array(4), C = new Float32Array(4);
const big = (t: ReturnType<typeof adaptiveThreads>) => t.sgemm(false, true, 1024, 128, 512, 1, A, 512, B, 512, 0, C, 128);

describe('adaptive BLAS threads', () => {
  it('runs the count its shape measured faster, and the other one call in EXPLORE_EVERY', () => {
    const f = fakeBlas((n) => (n === 1 ? 3 : 5)); // one thread faster (a busy machine)
    const t = adaptiveThreads(f.blas, 2, f.now);
    for (let i = 0; i < 10 * EXPLORE_EVERY; i++) big(t);
    const used = f.calls.map((c) => c.threads);
    expect(used.slice(0, 2)).toEqual([2, 1]); // each timed once, all threads first
    // Call c (counted from 1, c > 2) explores all threads exactly when c is a multiple of EXPLORE_EVERY.
    used.slice(2).forEach((n, i) => expect(n, `call ${i + 3}`).toBe((i + 3) % EXPLORE_EVERY === 0 ? 2 : 1));
    expect(t.decisions()['1024,128,512,0,1']).toMatchObject({ threads: 1, ms1: 3, msMax: 5 });
  });

  it('follows a change of which count is faster', () => {
    let busy = true;
    const f = fakeBlas((n) => (busy ? (n === 1 ? 3 : 5) : n === 1 ? 4 : 2));
    const t = adaptiveThreads(f.blas, 2, f.now);
    for (let i = 0; i < 4 * EXPLORE_EVERY; i++) big(t);
    expect(t.decisions()['1024,128,512,0,1']!.threads).toBe(1);
    busy = false; // the neighbours stop: two threads become faster
    for (let i = 0; i < 8 * EXPLORE_EVERY; i++) big(t);
    expect(t.decisions()['1024,128,512,0,1']!.threads).toBe(2);
    // The last calls (12·EXPLORE_EVERY in all) run on two threads but for the exploring last one.
    expect(f.calls.slice(-EXPLORE_EVERY, -1).map((c) => c.threads)).toEqual(new Array(EXPLORE_EVERY - 1).fill(2));
    expect(f.calls.at(-1)!.threads).toBe(1);
  });

  it('products below MIN_THREADED_MNK keep the current count, untimed; arguments pass through', () => {
    const f = fakeBlas(() => 1);
    const t = adaptiveThreads(f.blas, 2, f.now);
    t.sgemm(true, false, 8, 8, 8, 0.5, A, 8, B, 8, 1, C, 8);
    expect(8 * 8 * 8).toBeLessThan(MIN_THREADED_MNK);
    expect(f.calls).toEqual([{ threads: 2, args: [true, false, 8, 8, 8, 0.5, A, 8, B, 8, 1, C, 8] }]);
    expect(t.decisions()).toEqual({});
    expect(t.threads).toBe(2);
  });
});
