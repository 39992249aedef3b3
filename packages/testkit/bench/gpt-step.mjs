// The GPT training step (forward, backward, AdamW) on llmkit's default backend and on PyTorch
// (2 threads), measured in one run and printed as ratios: the tiny config and the medium one
// (GPT-2's vocabulary), each matmul path of the wasm backend (the machine's BLAS, XNNPACK), and
// optionally under load (one CPU-bound process per core, started here) to compare slowdowns.
// Each llmkit measurement runs in a fresh Node process (the matmul path is chosen at init).
//
//   node packages/testkit/bench/gpt-step.mjs [--configs=tiny,medium] [--paths=blas,xnnpack]
//        [--under-load] [--repeat=N] [--quick] [--no-torch]
//   node packages/testkit/bench/gpt-step.mjs --profile[=tiny] [--paths=blas]   # per-kernel table of one step
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { fmt, median, table } from './measure.mjs';
import { runTorchBench } from './torch.mjs';

/** The configs of issue 13: nanoGPT's char-level Shakespeare and a GPT-2-vocabulary model. */
export const GPT_CONFIGS = {
  tiny: { vocab: 65, block: 64, layers: 4, heads: 4, d: 128, batch: 16 },
  medium: { vocab: 50257, block: 128, layers: 6, heads: 6, d: 384, batch: 8 },
};

/** Issue 13's targets: llmkit / PyTorch (2 threads) for a step. */
const TARGET = { tiny: 1.5, medium: 2 };

/** LLMKIT_BLAS for each matmul path. */
const PATH_ENV = { blas: 'auto', xnnpack: 'off' };

const here = fileURLToPath(import.meta.url);
const load1 = () => os.loadavg()[0].toFixed(2);

function iterations(config, quick) {
  const slow = config === 'medium';
  return quick
    ? { warmup: 1, minIters: 2, maxIters: 3, budgetMs: slow ? 4000 : 1500 }
    : { warmup: 2, minIters: 3, maxIters: slow ? 6 : 15, budgetMs: slow ? 15000 : 4000 };
}

/** Child mode: times one config's llmkit step on the backend the environment selects; prints JSON. */
async function child(config, iters) {
  const { tf, useBackend, currentBackend } = await import('@llmkit/core');
  await import('@llmkit/backend-wasm');
  const { AdamW } = await import('@llmkit/trainer');
  const { tinyGpt } = await import('./tiny-gpt.mjs');
  const { timeTensors } = await import('./measure.mjs');
  await useBackend('wasm');
  const cfg = GPT_CONFIGS[config];
  const model = tinyGpt(cfg);
  const ids = tf.randomUniformInt([cfg.batch, cfg.block], 0, cfg.vocab, 1);
  const targets = tf.randomUniformInt([cfg.batch, cfg.block], 0, cfg.vocab, 2);
  // As torch.optim.AdamW(model.parameters(), weight_decay=0.1): every parameter decays.
  const optimizer = new AdamW(model.variables.map((v) => [v.name, v]), { lr: 1e-3, weightDecay: 0.1, groups: [] });
  const before = tf.memory().numTensors;
  const step = () => {
    const { value, grads } = tf.variableGrads(() => model.loss(ids, targets));
    optimizer.step(grads);
    tf.dispose(Object.values(grads));
    return [value];
  };
  const r = await timeTensors(step, iters);
  const leaked = tf.memory().numTensors - before;
  const d = currentBackend().describe();
  optimizer.dispose();
  model.dispose();
  tf.dispose([ids, targets]);
  process.stdout.write(`${JSON.stringify({ ...r, leaked, device: d.device, matmul: d.details?.matmul, numParams: model.numParams })}\n`);
}

/**
 * Profile mode: one whole step (forward, backward, AdamW) of `config` under `tf.profile`, in this
 * process on the path LLMKIT_BLAS selects: kernel time and calls per kernel, top-level launches.
 */
async function profileStep(config) {
  const { tf, useBackend, currentBackend } = await import('@llmkit/core');
  await import('@llmkit/backend-wasm');
  const { AdamW } = await import('@llmkit/trainer');
  const { tinyGpt } = await import('./tiny-gpt.mjs');
  const { profileKernels } = await import('./measure.mjs');
  await useBackend('wasm');
  const cfg = GPT_CONFIGS[config];
  const model = tinyGpt(cfg);
  const ids = tf.randomUniformInt([cfg.batch, cfg.block], 0, cfg.vocab, 1);
  const targets = tf.randomUniformInt([cfg.batch, cfg.block], 0, cfg.vocab, 2);
  const optimizer = new AdamW(model.variables.map((v) => [v.name, v]), { lr: 1e-3, weightDecay: 0.1, groups: [] });
  const step = async () => {
    const { value, grads } = tf.variableGrads(() => model.loss(ids, targets));
    optimizer.step(grads);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  };
  // Two unprofiled steps first: lazy registration, heap growth, the optimizer's first step.
  await step();
  await step();
  const { records, wallMs } = await profileKernels(step);
  const byName = new Map();
  for (const r of records) {
    const e = byName.get(r.name) ?? { name: r.name, count: 0, ms: 0 };
    e.count++;
    e.ms += r.selfMs;
    byName.set(r.name, e);
  }
  const kernelMs = records.reduce((s, r) => s + r.selfMs, 0);
  const sorted = [...byName.values()].sort((a, b) => b.ms - a.ms);
  console.log(`-- one ${config} step (forward, backward, AdamW) on ${currentBackend().describe().device}, load ${load1()}`);
  console.log(table(
    ['kernel', 'count', 'total ms', 'ms/call', 'share'],
    sorted.map((e) => [e.name, e.count, fmt(e.ms), fmt(e.ms / e.count), `${((100 * e.ms) / kernelMs).toFixed(1)}%`]),
  ));
  console.log(
    `kernel calls per step: ${records.filter((r) => r.depth === 0).length} launched by ops, ${records.length} counting nested ones; ` +
      `kernel time ${fmt(kernelMs)} ms of ${fmt(wallMs)} ms profiled step`,
  );
  const mm = new Map();
  for (const r of records.filter((x) => x.name === 'BatchMatMul')) {
    const key = r.inputShapes.map((s) => `[${s}]`).join('x');
    const e = mm.get(key) ?? { key, count: 0, ms: 0 };
    e.count++;
    e.ms += r.selfMs;
    mm.set(key, e);
  }
  console.log('BatchMatMul by input shapes:');
  console.log(table(['inputs', 'count', 'total ms'], [...mm.values()].sort((a, b) => b.ms - a.ms).map((e) => [e.key, e.count, fmt(e.ms)])));
  optimizer.dispose();
  model.dispose();
  tf.dispose([ids, targets]);
}

/** Runs the child for one config and path; returns its JSON or { error }. */
function llmkitStep(config, path, iters) {
  const env = { ...process.env, LLMKIT_BLAS: PATH_ENV[path] };
  const p = spawnSync(process.execPath, [here, `--child=${config}`, `--iters=${JSON.stringify(iters)}`], { env, encoding: 'utf8', timeout: 15 * 60 * 1000 });
  const last = (p.stdout || '').trim().split('\n').pop();
  try {
    return JSON.parse(last);
  } catch {
    return { error: `llmkit child exited with ${p.status}: ${(p.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  }
}

function torchStep(config, iters) {
  const pyIters = { warmup: iters.warmup, min_iters: iters.minIters, max_iters: iters.maxIters, budget_s: iters.budgetMs / 1000 };
  const r = runTorchBench(['--step', JSON.stringify(GPT_CONFIGS[config]), '--iters', JSON.stringify(pyIters)], { timeoutMs: 15 * 60 * 1000 });
  if (r.skipped) return { error: r.skipped };
  return { ms: r.results.step.ms, minMs: r.results.step.min_ms, cpuMs: r.results.step.cpu_ms, iters: r.results.step.iters, torch: r.results.torch, threads: r.results.threads };
}

/** Starts one CPU-bound process per logical CPU; returns a function that stops them. */
export function startNeighbours(count = os.cpus().length) {
  const procs = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'let x = 0; for (;;) x = (x * 1103515245 + 12345) | 0;'], { stdio: 'ignore' }));
  // Children outlive a killed parent: stop them on exit and on SIGINT/SIGTERM too.
  const onSignal = (signal) => {
    stop();
    process.kill(process.pid, signal);
  };
  const stop = () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    process.off('exit', stop);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.once('exit', stop);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return stop;
}

/**
 * Measures every (config, path) pair with PyTorch in the same run, `repeat` times (alternating
 * PyTorch and llmkit so that drift in the machine's load hits both), optionally under load, and
 * prints the tables. Returns the measurements.
 */
export async function benchGptSteps({ configs = ['tiny', 'medium'], paths = ['blas', 'xnnpack'], underLoad = false, repeat = 1, quick = false, torch = true } = {}) {
  const rows = [];
  const results = [];
  console.log(`\n== GPT training step (forward + backward + AdamW): llmkit wasm vs PyTorch, same run ==`);
  console.log(`machine: ${os.cpus()[0]?.model?.trim()}, ${os.cpus().length} logical CPUs; load before: ${load1()}`);
  for (const config of configs) {
    const iters = iterations(config, quick);
    // XNNPACK on the medium config takes minutes a step: only the default path there.
    const configPaths = config === 'medium' ? paths.filter((p) => p !== 'xnnpack') : paths;
    for (let rep = 0; rep < repeat; rep++) {
      const loadStart = load1();
      const t = torch ? torchStep(config, iters) : { error: 'no torch' };
      for (const path of configPaths) {
        const l = llmkitStep(config, path, iters);
        const ratio = l.ms && t.ms ? l.ms / t.ms : undefined;
        const ratioMin = l.minMs && t.minMs ? l.minMs / t.minMs : undefined;
        results.push({ config, path, rep, llmkit: l, torch: t, ratio, ratioMin, load: [loadStart, load1()] });
        rows.push([
          config, path, rep + 1,
          l.error ? l.error.slice(0, 60) : `${fmt(l.ms)} (${fmt(l.minMs)})`,
          l.cpuMs ? fmt(l.cpuMs) : '',
          t.error ? 'n/a' : `${fmt(t.ms)} (${fmt(t.minMs)})`,
          t.cpuMs ? fmt(t.cpuMs) : '',
          ratio ? `${fmt(ratio)}×` : '',
          ratioMin ? `${fmt(ratioMin)}×` : '',
          `≤ ${TARGET[config]}×`,
          `${loadStart} → ${load1()}`,
          l.leaked === 0 ? 'ok' : l.leaked === undefined ? '' : `LEAK ${l.leaked}`,
        ]);
      }
    }
  }
  console.log(table(['config', 'matmul', 'run', 'llmkit ms (min)', 'CPU ms', 'PyTorch ms (min)', 'CPU ms', 'llmkit/PyTorch', 'by min', 'target', 'load (1-min)', 'tensors'], rows));
  const torchInfo = results.find((r) => r.torch.torch);
  if (torchInfo) console.log(`PyTorch ${torchInfo.torch.torch}, ${torchInfo.torch.threads} threads; llmkit: ${results.find((r) => r.llmkit.device)?.llmkit.device ?? '?'}`);
  const summary = {};
  for (const config of configs) {
    for (const path of paths) {
      const rs = results.filter((r) => r.config === config && r.path === path && r.ratio);
      if (rs.length > 0) summary[`${config}/${path}`] = median(rs.map((r) => r.ratio));
    }
  }
  if (Object.keys(summary).length > 0) {
    console.log(`median llmkit/PyTorch ratio: ${Object.entries(summary).map(([k, v]) => `${k} ${fmt(v)}×`).join(', ')}`);
  }
  if (!underLoad) return { results, summary };

  // Under load: the tiny config (or the first), idle and with one busy process per core.
  const config = configs[0];
  const iters = iterations(config, quick);
  const loadRows = [];
  const loaded = [];
  for (let rep = 0; rep < repeat; rep++) {
    const idleT = torch ? torchStep(config, iters) : { error: 'no torch' };
    const idleL = llmkitStep(config, paths[0], iters);
    const stop = startNeighbours();
    await new Promise((r) => setTimeout(r, 1000));
    const busyT = torch ? torchStep(config, iters) : { error: 'no torch' };
    const busyL = llmkitStep(config, paths[0], iters);
    const busyLoad = load1();
    stop();
    const sT = busyT.ms && idleT.ms ? busyT.ms / idleT.ms : undefined;
    const sL = busyL.ms && idleL.ms ? busyL.ms / idleL.ms : undefined;
    loaded.push({ idleT, idleL, busyT, busyL, slowdownTorch: sT, slowdownLlmkit: sL });
    loadRows.push([
      config, rep + 1,
      fmt(idleL.ms), fmt(busyL.ms), sL ? `${fmt(sL)}×` : '',
      fmt(idleT.ms), fmt(busyT.ms), sT ? `${fmt(sT)}×` : '',
      sL && sT ? fmt(sL / sT) : '',
      busyLoad,
    ]);
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.log(`\n== under load: ${os.cpus().length} extra CPU-bound processes (one per logical CPU), started by the bench ==`);
  console.log(table(['config', 'run', 'llmkit idle ms', 'loaded ms', 'slowdown', 'PyTorch idle ms', 'loaded ms', 'slowdown', 'llmkit/PyTorch slowdown', 'load while busy'], loadRows));
  console.log('(target: llmkit/PyTorch slowdown ≤ 1: llmkit slows down no more than PyTorch beside the same neighbours)');
  return { results, summary, loaded };
}

const argv = process.argv.slice(2);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (process.argv[1] === here) {
  const childConfig = option('child');
  const profile = argv.find((a) => a === '--profile' || a.startsWith('--profile='));
  if (profile) {
    process.env.LLMKIT_BLAS ??= PATH_ENV[option('paths')?.split(',')[0] ?? 'blas'];
    await profileStep(option('profile') ?? 'tiny');
  } else if (childConfig) {
    await child(childConfig, JSON.parse(option('iters') ?? '{}'));
  } else {
    await benchGptSteps({
      configs: option('configs')?.split(',') ?? ['tiny', 'medium'],
      paths: option('paths')?.split(',') ?? ['blas', 'xnnpack'],
      underLoad: argv.includes('--under-load'),
      repeat: Number(option('repeat') ?? 1),
      quick: argv.includes('--quick'),
      torch: !argv.includes('--no-torch'),
    });
    console.log(`load after: ${load1()}`);
  }
}
