// `npm run bench`: matmul and composite-op forward+backward throughput on each backend (cpu, wasm
// with and without llmkit's fused host kernels, webgpu with and without its fused WGSL kernels
// when an adapter exists), a per-kernel profile of one tiny-GPT training step on the default
// backend, a per-backend summary (matmul GFLOP/s, composite ops, tiny-GPT tokens/s), and
// PyTorch's figures for the same work next to ours (via torch_bench.py) when the venv has torch.
//
// Last, the GPT training step (forward, backward, AdamW) against PyTorch for the tiny and medium
// configs on each matmul path of the wasm backend, and with --under-load beside busy processes
// (gpt-step.mjs).
//
//   node packages/testkit/bench/run.mjs [--quick] [--no-torch] [--backends=cpu,wasm-defaults,wasm,webgpu,webgpu-unfused]
//        [--under-load] [--repeat=N] [--no-steps] [--json=FILE]
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { tf, getBackend, useBackend } from '@llmkit/core';
import { cpuBackend } from '@llmkit/backend-cpu';
import { wasmBackend } from '@llmkit/backend-wasm';
import { fmt, profileKernels, table, timeTensors } from './measure.mjs';
import { opCases, SHAPE } from './ops.mjs';
import { TINY_GPT, tinyGpt, tinyGptFlops } from './tiny-gpt.mjs';
import { runTorchBench } from './torch.mjs';
import { benchGptSteps } from './gpt-step.mjs';
import { swiftShaderEnv } from '../../../scripts/swiftshader-env.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = flag('quick');
const requested = option('backends')?.split(',');

// Without a GPU driver, Dawn can run on Chromium's SwiftShader where it is installed (DEVELOPERS.md).
Object.assign(process.env, swiftShaderEnv());

/** @llmkit/backend-webgpu, loaded only when a webgpu variant is benchmarked (Node needs Dawn and Vulkan). */
let webgpu = null;
async function loadWebGpu() {
  webgpu ??= await import('@llmkit/backend-webgpu');
  return webgpu;
}

/** The backends to run: the requested ones, or cpu and wasm plus webgpu when an adapter exists. */
async function chooseBackends() {
  if (requested) return requested;
  const list = ['cpu', 'wasm-defaults', 'wasm'];
  const probe = await loadWebGpu()
    .then((m) => m.probeWebGpu())
    .catch((e) => ({ available: false, reason: e.message }));
  if (probe.available) list.push('webgpu', 'webgpu-unfused');
  else console.log(`webgpu not benchmarked: ${probe.reason}\n`);
  return list;
}

// The wasm backend with core's default tfjs-op compositions instead of llmkit's fused host kernels.
// priority -1 keeps it from ever being picked as the default.
const wasmDefaults = { ...wasmBackend, name: 'wasm-defaults', priority: -1, kernels: [] };

/** Activates a backend by bench name. */
async function activate(name) {
  if (name === 'wasm-defaults') {
    return useBackend(wasmDefaults); // useBackend puts core's defaults back in place of wasm's fused kernels
  }
  if (name === 'webgpu' || name === 'webgpu-unfused') {
    const { webgpuBackend, createWebGpuBackend } = await loadWebGpu();
    const b = await useBackend(name === 'webgpu' ? webgpuBackend : createWebGpuBackend({ name, fused: false }));
    tf.env().set('WEBGPU_CPU_FORWARD', false); // time the GPU's kernels, not tfjs-cpu's on small inputs
    return b;
  }
  const backend = getBackend(name) ?? { cpu: cpuBackend, wasm: wasmBackend }[name];
  if (!backend) throw new Error(`--backends: unknown backend '${name}' (cpu, wasm-defaults, wasm, webgpu, webgpu-unfused)`);
  return useBackend(backend);
}

/** Iteration budget per backend: the pure-JS cpu backend runs at about 1 GFLOP/s. */
function budgetFor(backendName, kase) {
  // SwiftShader (a CPU emulating a GPU) runs about as fast as the cpu backend.
  if (backendName === 'cpu' || (backendName.startsWith('webgpu') && emulatedGpu)) {
    if (kase.name.startsWith('matmul 1024')) return { warmup: 0, minIters: 1, maxIters: 1 };
    return { warmup: 1, minIters: 2, maxIters: quick ? 2 : 5, budgetMs: quick ? 300 : 1500 };
  }
  return { warmup: 2, minIters: 3, maxIters: quick ? 5 : 30, budgetMs: quick ? 300 : 1500 };
}

function throughput(kase, ms) {
  const s = ms / 1000;
  if (kase.flops) return `${fmt(kase.flops / s / 1e9)} GFLOP/s`;
  return `${fmt(kase.bytes / s / 1e9)} GB/s, ${fmt(kase.elems / s / 1e6)} Melem/s`;
}

/** The 1-minute load average: timings on a 2-core machine are only meaningful when it is idle. */
function loadLine(label) {
  const load = os.loadavg()[0];
  const busy = load > 0.5 ? ' — other processes are running: timings will be noisy, rerun on an idle machine' : '';
  return `${label}: ${load.toFixed(2)} (1-min average)${busy}`;
}

/** Set when the webgpu adapter is SwiftShader: its timings measure a CPU, not a GPU. */
let emulatedGpu = false;

const ratio = (ours, theirs) => (ours && theirs ? `${fmt(ours / theirs)}×` : '');

async function benchOps(backendName, torchOps) {
  const rows = [];
  const results = {};
  for (const kase of opCases()) {
    // Matmul is tfjs-wasm's own kernel with or without llmkit's fused host kernels.
    if ((backendName === 'wasm-defaults' || backendName === 'webgpu-unfused') && kase.kind === 'matmul') continue;
    const before = tf.memory().numTensors;
    const { run, dispose, syncIndex } = kase.setup();
    const r = await timeTensors(run, { ...budgetFor(backendName, kase), syncIndex });
    dispose();
    const leaked = tf.memory().numTensors - before;
    const torchMs = torchOps?.[kase.name]?.ms;
    results[kase.name] = { ms: r.ms, iters: r.iters, leaked };
    rows.push([
      kase.name,
      kase.shape,
      fmt(r.ms),
      r.iters,
      throughput(kase, r.ms),
      torchMs === undefined ? '' : fmt(torchMs),
      torchMs === undefined ? '' : throughput(kase, torchMs),
      ratio(r.ms, torchMs),
      leaked === 0 ? 'ok' : `LEAK ${leaked}`,
    ]);
  }
  console.log(table(['case (fwd+bwd)', 'shape', 'ms', 'n', 'throughput', 'torch ms', 'torch throughput', 'llmkit/torch', 'tensors'], rows));
  return results;
}

/** Times the tiny GPT's forward+backward (and with a tfjs Adam step) on the active backend. */
async function benchTinyGpt() {
  const model = tinyGpt();
  const { batch, block, vocab } = TINY_GPT;
  const ids = tf.randomUniformInt([batch, block], 0, vocab, 1);
  const targets = tf.randomUniformInt([batch, block], 0, vocab, 2);
  const lossFn = () => model.loss(ids, targets);
  const budget = { warmup: 2, minIters: 3, maxIters: quick ? 4 : 10, budgetMs: quick ? 1000 : 4000 };
  const fwdBwd = await timeTensors(() => {
    const { value, grads } = tf.variableGrads(lossFn);
    return [value, ...Object.values(grads)];
  }, budget);
  // tfjs has Adam but not AdamW; decoupled weight decay would add one more pass over the weights.
  const adam = tf.train.adam(1e-3);
  const fwdBwdAdam = await timeTensors(() => [adam.minimize(lossFn, true)], budget);
  adam.dispose();
  return { model, ids, targets, lossFn, fwdBwd, fwdBwdAdam };
}

/** Profiles one tiny-GPT forward+backward and prints where the kernel time goes. */
async function profileTinyGpt({ lossFn }, { torchProfile, top = Infinity, matmulShapes = true } = {}) {
  // One unprofiled step first so lazy kernel registration and heap growth are not in the profile.
  const warm = tf.variableGrads(lossFn);
  tf.dispose([warm.value, ...Object.values(warm.grads)]);
  const { records, wallMs } = await profileKernels(async () => {
    const { value, grads } = tf.variableGrads(lossFn);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  });
  const byName = new Map();
  for (const r of records) {
    const e = byName.get(r.name) ?? { name: r.name, count: 0, ms: 0 };
    e.count++;
    e.ms += r.selfMs;
    byName.set(r.name, e);
  }
  const kernelMs = records.reduce((s, r) => s + r.selfMs, 0);
  const sorted = [...byName.values()].sort((a, b) => b.ms - a.ms);
  const topLevel = records.filter((r) => r.depth === 0).length;
  console.log(table(
    ['kernel', 'count', 'total ms', 'ms/call', 'share'],
    sorted.slice(0, top).map((e) => [e.name, e.count, fmt(e.ms), fmt(e.ms / e.count), `${((100 * e.ms) / kernelMs).toFixed(1)}%`]),
  ));
  console.log(
    `kernels per step: ${topLevel} launched by ops (${records.length} counting those inside composite kernels); ` +
      `kernel time ${fmt(kernelMs)} ms of ${fmt(wallMs)} ms profiled step ` +
      `(${fmt(wallMs - kernelMs)} ms outside kernels: tape, tidy, allocation, profiler)`,
  );
  const summary = { kernels: sorted, kernelMs, wallMs, kernelsPerStep: topLevel, kernelCallsInclNested: records.length };
  if (!matmulShapes) return summary;
  // Which matmuls cost most: shapes say whether it is a linear, attention or the logits.
  const mm = new Map();
  for (const r of records.filter((x) => x.name === 'BatchMatMul')) {
    const key = r.inputShapes.map((s) => `[${s}]`).join('x');
    const e = mm.get(key) ?? { key, count: 0, ms: 0 };
    e.count++;
    e.ms += r.selfMs;
    mm.set(key, e);
  }
  console.log('\nBatchMatMul by input shapes (top 8):');
  console.log(table(['inputs', 'count', 'total ms'], [...mm.values()].sort((a, b) => b.ms - a.ms).slice(0, 8).map((e) => [e.key, e.count, fmt(e.ms)])));
  if (torchProfile) {
    console.log('\nPyTorch profile of the same step (self CPU time, top 10):');
    console.log(table(['op', 'count', 'self ms'], torchProfile.slice(0, 10).map((e) => [e.name, e.count, fmt(e.self_ms)])));
  }
  return summary;
}

/** One row per backend: matmul GFLOP/s, composite ops fwd+bwd, tiny-GPT training tokens/s. */
function printSummary(backends, results) {
  const { B, T, V, bigV } = SHAPE;
  const tokens = TINY_GPT.batch * TINY_GPT.block;
  const matmulOf = (name) => results.backends[name]?.ops[`matmul 1024x1024x1024`] ?? results.backends[name === 'webgpu-unfused' ? 'webgpu' : name === 'wasm-defaults' ? 'wasm' : name]?.ops['matmul 1024x1024x1024'];
  const ms = (name, kase) => results.backends[name]?.ops[kase]?.ms;
  const rows = backends.map((name) => {
    const mm = matmulOf(name);
    const g = results.backends[name]?.tinyGpt;
    return [
      name,
      mm ? fmt((2 * 1024 ** 3) / (mm.ms / 1000) / 1e9) : '',
      fmt(ms(name, 'attention causal')),
      fmt(ms(name, `softmaxCrossEntropy V=${V}`)),
      fmt(ms(name, `softmaxCrossEntropy V=${bigV}`)),
      fmt(ms(name, 'layerNorm')),
      g ? fmt(g.fwdBwdAdamMs) : '',
      g ? fmt(tokens / (g.fwdBwdAdamMs / 1000), 4) : '',
    ];
  });
  console.log(`\n== per-backend summary (ms: one forward+backward; tiny GPT: ${tokens} tokens per step, forward+backward+Adam) ==`);
  console.log(table(['backend', 'matmul 1024³ GFLOP/s', 'attention ms', `CE V=${V} ms`, `CE V=${bigV} ms`, 'layerNorm ms', 'tiny-GPT step ms', 'tokens/s'], rows));
  for (const [fused, plain] of [['wasm', 'wasm-defaults'], ['webgpu', 'webgpu-unfused']]) {
    if (!results.backends[fused] || !results.backends[plain]) continue;
    const gain = (kase) => ratio(ms(plain, kase), ms(fused, kase));
    console.log(`${fused} fused kernels vs ${plain} on the same device: attention ${gain('attention causal')}, ` +
      `CE V=${V} ${gain(`softmaxCrossEntropy V=${V}`)}, CE V=${bigV} ${gain(`softmaxCrossEntropy V=${bigV}`)} faster` +
      ` (B=${B}, T=${T}; >1× means the fused kernel wins)`);
  }
}

async function main() {
  const t0 = performance.now();
  const cpuModel = os.cpus()[0]?.model?.trim() ?? 'CPU';
  console.log(`llmkit bench — ${new Date().toISOString()}`);
  console.log(`machine: ${cpuModel}, ${os.cpus().length} cores; Node ${process.versions.node}; tfjs-core ${tf.version_core}`);
  console.log(loadLine('load before'));
  console.log(`shapes: B=${SHAPE.B} T=${SHAPE.T} C=${SHAPE.C} H=${SHAPE.H} V=${SHAPE.V} (CE also V=${SHAPE.bigV} on ${SHAPE.bigRows} rows); ` +
    `ms = median per forward+backward after warm-up; GB/s counts the bytes a fused kernel must move once\n`);

  let torch = null;
  if (!flag('no-torch')) {
    // PyTorch first and alone: two cores, so nothing else should run while either side is timed.
    const t = runTorchBench(quick ? ['--quick'] : []);
    if (t.skipped) console.log(`${t.skipped}\n`);
    else {
      torch = t.results;
      console.log(`PyTorch ${torch.torch} (${torch.blas}), ${torch.threads} threads, Python ${torch.python}\n`);
    }
  } else {
    console.log('PyTorch comparison skipped (--no-torch).\n');
  }

  const backends = await chooseBackends();
  const results = { date: new Date().toISOString(), node: process.versions.node, cpu: cpuModel, cores: os.cpus().length, torch, backends: {} };
  for (const name of backends) {
    const b = await activate(name);
    if (name.startsWith('webgpu')) {
      emulatedGpu = /swiftshader/i.test(b.describe().device);
      if (emulatedGpu) console.log('(SwiftShader: a CPU emulating a GPU — these webgpu timings compare kernels on one device, not GPU speed)');
    }
    console.log(`== ${name}: ${b.describe().device}${name === 'wasm-defaults' ? ', core\'s default compositions' : ''} ==`);
    const start = tf.memory().numTensors;
    results.backends[name] = { device: b.describe().device, ops: await benchOps(name, torch?.ops) };
    if (name !== 'cpu') {
      const gpt = await benchTinyGpt();
      results.backends[name].tinyGpt = { fwdBwdMs: gpt.fwdBwd.ms, fwdBwdMinMs: gpt.fwdBwd.minMs, fwdBwdCpuMs: gpt.fwdBwd.cpuMs, fwdBwdAdamMs: gpt.fwdBwdAdam.ms };
      console.log(`tiny GPT (${gpt.model.numParams} params) fwd+bwd: ${fmt(gpt.fwdBwd.ms)} ms, +Adam step: ${fmt(gpt.fwdBwdAdam.ms)} ms`);
      if (name === 'wasm') {
        console.log(`\n-- per-kernel profile of one tiny-GPT forward+backward on wasm ` +
          `(vocab ${TINY_GPT.vocab}, block ${TINY_GPT.block}, ${TINY_GPT.layers} layers, ${TINY_GPT.heads} heads, d ${TINY_GPT.d}, batch ${TINY_GPT.batch}) --`);
        results.backends[name].profile = await profileTinyGpt(gpt, { torchProfile: torch?.tinyGpt?.profile });
      }
      tf.dispose([gpt.ids, gpt.targets]);
      gpt.model.dispose();
    }
    const left = tf.memory().numTensors - start;
    console.log(`tensors left after ${name}: ${left}${left === 0 ? ' (ok)' : ' (LEAK)'}\n`);
  }

  console.log('== tiny GPT training step: llmkit vs PyTorch ==');
  console.log('(ms: median wall time; min: least disturbed run; CPU ms: median CPU time of all threads, which a busy machine does not inflate)');
  const tg = torch?.tinyGpt;
  const torchRows = tg
    ? [[`PyTorch ${torch.threads} threads`, tg.fwd_bwd, tg.fwd_bwd_adamw], ['PyTorch 1 thread', tg.fwd_bwd_1thread, null]]
    : [];
  const ours = [
    ...backends.filter((n) => results.backends[n]?.tinyGpt).map((n) => [`llmkit ${n}`, results.backends[n].tinyGpt]),
  ];
  const rows = ours.map(([label, g]) => [
    label,
    fmt(g.fwdBwdMs),
    fmt(g.fwdBwdMinMs),
    fmt(g.fwdBwdCpuMs),
    fmt(g.fwdBwdAdamMs),
    ratio(g.fwdBwdMs, tg?.fwd_bwd?.ms),
    ratio(g.fwdBwdMinMs, tg?.fwd_bwd?.min_ms),
    ratio(g.fwdBwdMinMs, tg?.fwd_bwd_1thread?.min_ms),
  ]);
  for (const [label, fb, opt] of torchRows) rows.push([label, fmt(fb.ms), fmt(fb.min_ms), fmt(fb.cpu_ms), opt ? `${fmt(opt.ms)} (AdamW)` : '', '', '', '']);
  const t = torch?.threads ?? '?';
  // Effective rate of the step's matmul work, from the least disturbed run.
  const gflops = tinyGptFlops() / 1e9;
  rows.forEach((r, i) => {
    const min = i < ours.length ? ours[i][1].fwdBwdMinMs : torchRows[i - ours.length][1].min_ms;
    r.splice(4, 0, fmt(gflops / (min / 1000)));
  });
  console.log(`(one step is ${fmt(gflops)} GFLOP of matmul work)`);
  console.log(table(['', 'fwd+bwd ms', 'min ms', 'CPU ms', 'GFLOP/s', '+optimizer ms', `/torch ${t}T`, `/torch ${t}T (min)`, '/torch 1T (min)'], rows));
  if (!tg) console.log('(no PyTorch figures: see the message at the top)');
  else {
    const w = results.backends.wasm?.tinyGpt;
    if (w) {
      console.log(`\ntiny GPT fwd+bwd, llmkit wasm / PyTorch ${t} threads: ${fmt(w.fwdBwdMs / tg.fwd_bwd.ms)}× by median, ` +
        `${fmt(w.fwdBwdMinMs / tg.fwd_bwd.min_ms)}× by min (the step with AdamW is compared below)`);
    }
  }
  printSummary(backends, results);
  if (!flag('no-steps')) {
    results.gptSteps = await benchGptSteps({
      configs: quick ? ['tiny'] : ['tiny', 'medium'],
      paths: ['blas', 'xnnpack'],
      underLoad: flag('under-load'),
      repeat: Number(option('repeat') ?? 1),
      quick,
      torch: !flag('no-torch'),
    });
  }
  console.log(`\n${loadLine('load after')}`);
  console.log(`bench finished in ${fmt((performance.now() - t0) / 1000)} s`);
  const jsonPath = option('json');
  if (jsonPath) writeFileSync(jsonPath, JSON.stringify(results, null, 2));
}

await main();
