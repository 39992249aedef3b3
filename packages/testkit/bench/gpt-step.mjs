// The GPT training step (forward, backward, AdamW) on llmkit's default backend and on PyTorch
// (2 threads), measured in one run and printed as ratios: the tiny config and the medium one
// (GPT-2's vocabulary), each matmul path of the wasm backend (the machine's BLAS, XNNPACK), and
// optionally under load (one CPU-bound process per core, started here) to compare slowdowns.
// Each llmkit measurement runs in a fresh Node process (the matmul path is chosen at init).
// With --backend=cuda: llmkit on @llmkit/backend-cuda against PyTorch eager on the same GPU, in
// tokens/s (see benchGpuSteps).
//
//   node packages/testkit/bench/gpt-step.mjs [--configs=tiny,medium] [--paths=blas,xnnpack]
//        [--under-load] [--repeat=N] [--quick] [--no-torch]
//   node packages/testkit/bench/gpt-step.mjs --backend=cuda [--configs=tiny,gpt2-small] [--repeat=N]
//        [--quick] [--no-torch] [--json=FILE]
//   node packages/testkit/bench/gpt-step.mjs --profile[=tiny] [--paths=blas]   # per-kernel table of one step
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { fmt, median, table } from './measure.mjs';
import { runTorchBench } from './torch.mjs';

/** The configs of issue 13: nanoGPT's char-level Shakespeare and a GPT-2-vocabulary model. */
export const GPT_CONFIGS = {
  tiny: { vocab: 65, block: 64, layers: 4, heads: 4, d: 128, batch: 16 },
  medium: { vocab: 50257, block: 128, layers: 6, heads: 6, d: 384, batch: 8 },
  // GPT-2 small's shape (124M parameters with the tied head) at batch 4: 4096 tokens a step, a
  // few GB of activations, within one GPU's memory. For --backend=cuda.
  'gpt2-small': { vocab: 50257, block: 1024, layers: 12, heads: 12, d: 768, batch: 4 },
  // A few-seconds smoke run of the machinery on the CUDA test double (which emulates the GPU on the CPU).
  micro: { vocab: 16, block: 8, layers: 1, heads: 2, d: 16, batch: 1 },
};

/** Issue 13's targets: llmkit / PyTorch (2 threads) for a step. */
const TARGET = { tiny: 1.5, medium: 2 };

/** LLMKIT_BLAS for each matmul path. */
const PATH_ENV = { blas: 'auto', xnnpack: 'off' };

const here = fileURLToPath(import.meta.url);
const load1 = () => os.loadavg()[0].toFixed(2);

function iterations(config, quick) {
  const slow = config === 'medium' || config === 'gpt2-small';
  return quick
    ? { warmup: 1, minIters: 2, maxIters: 3, budgetMs: slow ? 4000 : 1500 }
    : { warmup: 2, minIters: 3, maxIters: slow ? 6 : 15, budgetMs: slow ? 15000 : 4000 };
}

/** The package that registers each backend the child can time. */
const BACKEND_PACKAGE = { wasm: '@llmkit/backend-wasm', cuda: '@llmkit/backend-cuda' };

/** An error as one line (a typed llmkit error's message; no stack). */
const oneLine = (e) => String(e instanceof Error ? e.message : e).replace(/\s+/g, ' ').trim();

/**
 * Child mode: times one config's llmkit step on `backend` (the matmul path the environment
 * selects); prints one JSON line. If the backend cannot be imported or initialised, prints
 * { error, fatal: true } instead and exits 2: the message of the typed error, on one line.
 */
async function child(config, iters, backend = 'wasm') {
  const { tf, useBackend, currentBackend } = await import('@llmkit/core');
  try {
    await import(BACKEND_PACKAGE[backend]);
    await useBackend(backend);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ error: oneLine(e), fatal: true })}\n`);
    process.exit(2);
  }
  const { AdamW } = await import('@llmkit/trainer');
  const { tinyGpt } = await import('./tiny-gpt.mjs');
  const { timeTensors } = await import('./measure.mjs');
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
  // timeTensors reads the loss back inside the timed region: on 'cuda' that waits for the stream,
  // so the clock stops after the GPU has finished the step, not when the launches were queued.
  const r = await timeTensors(step, iters);
  const leaked = tf.memory().numTensors - before;
  const d = currentBackend().describe();
  optimizer.dispose();
  model.dispose();
  tf.dispose([ids, targets]);
  const extra = backend === 'wasm' ? {} : { backend, fusedKernels: d.fusedKernels ?? [] };
  process.stdout.write(`${JSON.stringify({ ...r, leaked, device: d.device, matmul: d.details?.matmul, numParams: model.numParams, ...extra })}\n`);
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
  // The three costliest kernels by input shapes: where a faster kernel or a fusion would pay.
  for (const { name } of sorted.slice(0, 3)) {
    const byShape = new Map();
    for (const r of records.filter((x) => x.name === name)) {
      const key = r.inputShapes.map((s) => `[${s}]`).join('x');
      const e = byShape.get(key) ?? { key, count: 0, ms: 0 };
      e.count++;
      e.ms += r.selfMs;
      byShape.set(key, e);
    }
    console.log(`${name} by input shapes:`);
    console.log(table(['inputs', 'count', 'total ms'], [...byShape.values()].sort((a, b) => b.ms - a.ms).map((e) => [e.key, e.count, fmt(e.ms)])));
  }
  optimizer.dispose();
  model.dispose();
  tf.dispose([ids, targets]);
}

/** Runs the child for one config and path (or backend 'cuda'); returns its JSON or { error }. */
function llmkitStep(config, path, iters, backend = 'wasm') {
  const env = backend === 'cuda'
    ? { ...process.env, LLMKIT_CUDA_EXPERIMENTAL: '1' } // the backend refuses without it until its kernels have run on a GPU
    : { ...process.env, LLMKIT_BLAS: PATH_ENV[path] };
  const args = [here, `--child=${config}`, `--iters=${JSON.stringify(iters)}`, ...(backend === 'wasm' ? [] : [`--backend=${backend}`])];
  const p = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 15 * 60 * 1000 });
  const last = (p.stdout || '').trim().split('\n').pop();
  try {
    return JSON.parse(last);
  } catch {
    return { error: `llmkit child exited with ${p.status}: ${(p.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  }
}

function torchStep(config, iters, device = 'cpu') {
  const pyIters = { warmup: iters.warmup, min_iters: iters.minIters, max_iters: iters.maxIters, budget_s: iters.budgetMs / 1000 };
  const dev = device === 'cpu' ? [] : [`--device=${device}`];
  const r = runTorchBench(['--step', JSON.stringify(GPT_CONFIGS[config]), '--iters', JSON.stringify(pyIters), ...dev], { timeoutMs: 15 * 60 * 1000 });
  if (r.skipped) return { error: r.skipped };
  const out = { ms: r.results.step.ms, minMs: r.results.step.min_ms, cpuMs: r.results.step.cpu_ms, iters: r.results.step.iters, torch: r.results.torch, threads: r.results.threads };
  return device === 'cpu' ? out : { ...out, deviceName: r.results.device_name, tf32: r.results.tf32 };
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

/** Issue 12's goals on a GPU: llmkit's tokens/s over PyTorch eager's, for the whole step. */
export const GPU_GOAL = { min: 0.5, fused: 1 };

/**
 * --backend=cuda: each config's step on llmkit's 'cuda' backend (a fresh child each time, with
 * LLMKIT_CUDA_EXPERIMENTAL=1) next to PyTorch eager float32 (TF32 off) on the same GPU, in
 * tokens/s (batch × block per step over the median step time). If the backend cannot start (no
 * GPU, no driver, package missing) prints the typed error's message on one line and exits 1.
 */
export async function benchGpuSteps({ configs = ['tiny', 'gpt2-small'], repeat = 1, quick = false, torch = true, json } = {}) {
  const rows = [];
  const results = [];
  console.log(`\n== GPT training step (forward + backward + AdamW) on the GPU: llmkit 'cuda' vs PyTorch eager, same run, tokens/s ==`);
  for (const config of configs) {
    const cfg = GPT_CONFIGS[config];
    if (!cfg) throw new Error(`gpt-step.mjs: unknown config '${config}' (known: ${Object.keys(GPT_CONFIGS).join(', ')})`);
    const tokens = cfg.batch * cfg.block;
    const iters = iterations(config, quick);
    for (let rep = 0; rep < repeat; rep++) {
      const l = llmkitStep(config, 'cuda', iters, 'cuda');
      if (l.fatal) {
        console.error(`gpt-step.mjs: llmkit's 'cuda' backend cannot run: ${l.error}`);
        process.exit(1);
      }
      const t = torch ? torchStep(config, iters, 'cuda') : { error: 'PyTorch not run (--no-torch)' };
      const lt = l.ms ? (tokens * 1000) / l.ms : undefined;
      const tt = t.ms ? (tokens * 1000) / t.ms : undefined;
      const ratio = lt && tt ? lt / tt : undefined;
      results.push({ config, cfg, tokens, rep, llmkit: { ...l, tokensPerSec: lt }, torch: { ...t, tokensPerSec: tt }, ratio });
      rows.push([
        config, l.numParams ? `${fmt(l.numParams / 1e6)}M` : '', tokens, rep + 1,
        l.error ? l.error.slice(0, 60) : `${fmt(l.ms)} (${fmt(l.minMs)})`,
        lt ? fmt(lt) : '',
        t.error ? 'n/a' : `${fmt(t.ms)} (${fmt(t.minMs)})`,
        tt ? fmt(tt) : '',
        ratio ? `${fmt(ratio)}×` : '',
        ratio ? (ratio >= GPU_GOAL.fused ? 'both met' : ratio >= GPU_GOAL.min ? `≥ ${GPU_GOAL.min}× met` : 'not met') : '',
        l.leaked === 0 ? 'ok' : l.leaked === undefined ? '' : `LEAK ${l.leaked}`,
      ]);
    }
  }
  for (const config of configs) {
    const c = GPT_CONFIGS[config];
    console.log(`${config}: vocab ${c.vocab}, block ${c.block}, ${c.layers} layers, ${c.heads} heads, ${c.d} wide, batch ${c.batch} (${c.batch * c.block} tokens a step)`);
  }
  console.log(table(['config', 'params', 'tokens/step', 'run', 'llmkit ms (min)', 'llmkit tokens/s', 'PyTorch ms (min)', 'PyTorch tokens/s', 'llmkit/PyTorch', 'goal', 'tensors'], rows));
  const l = results.find((r) => r.llmkit.device)?.llmkit;
  console.log(`llmkit: ${l?.device ?? '?'}; fused kernels: ${l?.fusedKernels?.join(', ') || 'none'}`);
  const t = results.find((r) => r.torch.torch)?.torch;
  if (t) console.log(`PyTorch ${t.torch} eager on ${t.deviceName}, float32, TF32 ${t.tf32 ? 'ON (not comparable)' : 'off'}: both sides compute exact float32`);
  else console.log(`PyTorch: ${(results[0]?.torch.error ?? 'not run').replace(/\s+/g, ' ')}`);
  console.log(
    `goal (issue 12): llmkit ≥ ${GPU_GOAL.min}× PyTorch eager's tokens/s, ≥ ${GPU_GOAL.fused}× where fused kernels apply; ` +
      `the ratio printed is the whole step's (fused and unfused ops together), so it answers the first goal and bounds the second.`,
  );
  if (json) writeFileSync(json, `${JSON.stringify({ results }, null, 2)}\n`);
  const failed = results.filter((r) => r.llmkit.error || r.llmkit.leaked !== 0);
  if (failed.length > 0) {
    console.error(`gpt-step.mjs: ${failed.length} llmkit run(s) failed or leaked: ${failed.map((r) => `${r.config}: ${r.llmkit.error ?? `${r.llmkit.leaked} tensors leaked`}`).join('; ')}`);
    process.exitCode = 1;
  }
  return { results };
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
    await child(childConfig, JSON.parse(option('iters') ?? '{}'), option('backend') ?? 'wasm');
  } else if (option('backend') === 'cuda') {
    await benchGpuSteps({
      configs: option('configs')?.split(',') ?? ['tiny', 'gpt2-small'],
      repeat: Number(option('repeat') ?? 1),
      quick: argv.includes('--quick'),
      torch: !argv.includes('--no-torch'),
      json: option('json'),
    });
  } else if (option('backend') !== undefined && option('backend') !== 'wasm') {
    console.error(`gpt-step.mjs: --backend=${option('backend')}: expected wasm (the default) or cuda`);
    process.exit(1);
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
