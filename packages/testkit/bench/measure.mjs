// Timing and profiling helpers for the benchmark: warm-up then median of N, synced by reading one
// output back, every tensor disposed and checked against the engine's tensor count.
import { tf } from '@llmkit/core';

/** Median of a non-empty list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times `run` (which returns the tensors it made): `warmup` untimed calls, then at least
 * `minIters` and at most `maxIters` timed calls, stopping once `budgetMs` is spent. Each call is
 * synced by `await outputs[syncIndex].data()` (cpu and wasm run kernels synchronously, so this
 * also waits for nothing else) and its outputs are disposed inside the timed region.
 * Returns { ms (median), minMs (the least disturbed run, on a busy machine), cpuMs (median CPU time of
 * the whole process, all threads: the work done, which other processes on the machine do not inflate),
 * iters, leaked (tensors left behind) }.
 */
export async function timeTensors(run, { warmup = 2, minIters = 3, maxIters = 20, budgetMs = 1500, syncIndex = 0 } = {}) {
  const before = tf.memory().numTensors;
  const once = async () => {
    const outs = run();
    const list = Array.isArray(outs) ? outs : [outs];
    await list[Math.min(syncIndex, list.length - 1)].data();
    tf.dispose(list);
  };
  for (let i = 0; i < warmup; i++) await once();
  const times = [];
  const cpuTimes = [];
  const start = performance.now();
  while (times.length < maxIters && (times.length < minIters || performance.now() - start < budgetMs)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await once();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
  return {
    ms: median(times),
    minMs: Math.min(...times),
    cpuMs: median(cpuTimes),
    iters: times.length,
    leaked: tf.memory().numTensors - before,
  };
}

/**
 * Profiles one call of `query` with `tf.profile` and attributes time to kernels exclusively: a
 * composite kernel that runs in tfjs ops (core's default implementations) records its own time
 * *and* its inner kernels', so each record's nesting depth is captured alongside (by wrapping the
 * engine's `runKernelFunc`) and the children's time is subtracted from the parent's.
 * Returns { records: [{ name, depth, totalMs, selfMs, inputShapes }], wallMs }.
 */
export async function profileKernels(query) {
  const engine = tf.engine();
  const original = engine.runKernelFunc;
  const depths = [];
  engine.runKernelFunc = function (params) {
    const depth = this.state.kernelDepth;
    const out = original.call(this, params);
    depths.push(depth);
    return out;
  };
  let info;
  const t0 = performance.now();
  try {
    info = await tf.profile(query);
  } finally {
    engine.runKernelFunc = original;
  }
  const wallMs = performance.now() - t0;
  const kernels = info.kernels;
  if (kernels.length !== depths.length) {
    throw new Error(`profileKernels: ${kernels.length} profile records but ${depths.length} kernel calls seen`);
  }
  // Records arrive in completion order, so a record's children are the records just before it
  // that sit one level deeper, back to the previous record at its own depth or above.
  const records = kernels.map((k, i) => ({
    name: k.name,
    depth: depths[i],
    totalMs: k.kernelTimeMs,
    selfMs: k.kernelTimeMs,
    inputShapes: k.inputShapes,
  }));
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    for (let j = i - 1; j >= 0 && records[j].depth > r.depth; j--) {
      if (records[j].depth === r.depth + 1) r.selfMs -= records[j].totalMs;
    }
  }
  return { records, wallMs };
}

/** Formats rows of cells as a left/right-aligned text table (numbers right-aligned). */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => (c === undefined || c === null ? '' : String(c))));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const numeric = header.map((_, i) => rows.every((r) => r[i] === '' || r[i] == null || /^[-+]?[\d.,]+(\s|×|%|$)/.test(String(r[i]))));
  const line = (r) => r.map((c, i) => (numeric[i] && i > 0 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

export function fmt(x, digits = 3) {
  if (x === undefined || x === null || Number.isNaN(x)) return '';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toPrecision(digits);
}
