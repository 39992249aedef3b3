// How many BLAS threads each product gets, chosen by timing instead of fixed. On an idle machine
// the BLAS's threads speed the larger products up; beside busy neighbours a product split over
// threads ends only when its slowest thread, maybe waiting for a core, is done, and the idle
// threads spin meanwhile: measured on the project's 2-core machine at load 12-25, one thread ran
// the tiny GPT's step in 361-419 ms against 469-659 ms with two. So each product shape keeps a
// running average of its time per call with 1 thread and with `max`, runs the faster, and now and
// then times the other again, since the machine's load changes. The price: OpenBLAS's one- and
// two-thread products differ in the last bits, so the choice (timing-dependent) makes two runs
// of one seed differ in rounding; LLMKIT_BLAS_ADAPTIVE=off (index.ts) keeps runs bit-reproducible.
import type { Blas } from './blas.js';

/** Products smaller than this (m·n·k) run on one thread anyway (OpenBLAS's own cut-off). */
export const MIN_THREADED_MNK = 65536 * 4;
/** One eligible call in this many times the count that is not the current best. */
export const EXPLORE_EVERY = 8;
/** Weight of a new time in the running average. */
const ALPHA = 0.3;

interface ShapeStats {
  /** Running average of ms per call: index 0 for one thread, 1 for `max`. */
  ms: [number | undefined, number | undefined];
  calls: number;
}

/** The decorated BLAS plus what it decided, for describe(). */
export interface AdaptiveBlas extends Blas {
  /** Per shape key (m,n,k,transA,transB): the thread count it runs now and the two averages. */
  decisions(): Record<string, { threads: number; ms1?: number; msMax?: number }>;
}

/**
 * Wraps `blas` so that each product of at least MIN_THREADED_MNK runs on 1 or `max` threads,
 * whichever its shape's running average says is faster. `now` is the clock (injected by tests).
 */
export function adaptiveThreads(blas: Blas, max: number, now: () => number = () => performance.now()): AdaptiveBlas {
  const stats = new Map<string, ShapeStats>();
  let current = max;
  const use = (threads: number) => {
    if (threads !== current) {
      blas.setThreads(threads);
      current = threads;
    }
  };
  const pick = (s: ShapeStats): 0 | 1 => {
    const [one, many] = s.ms;
    // Time each count once, max first; then the faster one, and the other every EXPLORE_EVERY calls.
    if (many === undefined) return 1;
    if (one === undefined) return 0;
    const best = one <= many ? 0 : 1;
    return s.calls % EXPLORE_EVERY === 0 ? (1 - best as 0 | 1) : best;
  };
  return {
    library: blas.library,
    vendor: blas.vendor,
    get threads() {
      return max;
    },
    setThreads(threads) {
      blas.setThreads(threads);
      current = threads;
    },
    sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      if (m * n * k < MIN_THREADED_MNK) {
        blas.sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
      }
      const key = `${m},${n},${k},${+transA},${+transB}`;
      let s = stats.get(key);
      if (!s) stats.set(key, (s = { ms: [undefined, undefined], calls: 0 }));
      s.calls++;
      const slot = pick(s);
      use(slot === 0 ? 1 : max);
      const t0 = now();
      blas.sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      const ms = now() - t0;
      const prev = s.ms[slot];
      s.ms[slot] = prev === undefined ? ms : prev + ALPHA * (ms - prev);
    },
    decisions() {
      const out: Record<string, { threads: number; ms1?: number; msMax?: number }> = {};
      for (const [key, s] of stats) {
        const [one, many] = s.ms;
        out[key] = { threads: one !== undefined && many !== undefined && one <= many ? 1 : max, ...(one !== undefined && { ms1: one }), ...(many !== undefined && { msMax: many }) };
      }
      return out;
    },
  };
}
