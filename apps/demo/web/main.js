// The browser page: the Node demo's model and @llmkit/trainer's Trainer on the backend chosen (webgpu,
// wasm, cpu), a live loss chart, @llmkit/eval's streamed generation and attention maps, and the
// trainer's own checkpoints kept in OPFS (or IndexedDB) and as files, resumed as Trainer.resume does in Node.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@llmkit/backend-cpu';
import '@llmkit/backend-wasm';
import '@llmkit/backend-webgpu';
import { ConfigError, currentBackend, useBackend } from '@llmkit/core';
import { attentionMaps } from '@llmkit/eval';
import { CheckpointError } from '@llmkit/layers';
import { CausalLM } from '@llmkit/objectives';
import { CharTrainer, Tokenizer, charLevel } from '@llmkit/tokenizer';
import { AdamW, CosineSchedule, Trainer } from '@llmkit/trainer';
import { demoModel } from '../src/model.mjs';
import { sampleText } from '../src/sample-text.mjs';
import { drawHeatmap } from './attention-heatmap.js';
import { randomWindows } from './batches.js';
import { CHECKPOINT_ROOT, packCheckpoint, unpackCheckpoint } from './checkpoint-files.js';
import { openCheckpointStore } from './checkpoint-store.js';
import { LossChart } from './loss-chart.js';
import { readFile } from './memory-fs.js';
import { BATCH, BLOCK, SEED, SIZES } from './presets.js';

setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');

const $ = (id) => document.getElementById(id);
const chart = new LossChart($('chart'));
// ?store=indexeddb uses the fallback store where OPFS exists (the browser test checks both).
const store = await openCheckpointStore(new URLSearchParams(location.search).get('store') ?? 'auto');
const textPromise = fetch('../data/tinyshakespeare.txt').then((r) => r.text());
/** The model in the page: { model, tokenizer, optimizer, trainer, config }, or null before any run. */
let current = null;
let busy = false;
/** The attention maps of the text under the heat-map: { chars, maps } (maps[layer][head][query][key]). */
let attention = null;

function print(line) {
  const log = $('log');
  log.textContent += `${line}\n`;
  log.scrollTop = log.scrollHeight;
}

function stat(id, value) {
  $(id).textContent = value;
}

function setBusy(value) {
  busy = value;
  for (const id of ['train', 'resume', 'upload', 'generate', 'download']) $(id).disabled = value;
  $('stop').disabled = !value;
  if (!value) {
    $('generate').disabled = current === null;
    $('download').disabled = current === null;
    $('resume').disabled = $('resume').dataset.available !== 'true';
  }
}

/** Runs `body` with the controls locked; an error is printed in the log, never lost. */
async function guarded(body) {
  if (busy) return;
  setBusy(true);
  try {
    await body();
  } catch (e) {
    print(`error: ${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`);
    console.warn(e);
  } finally {
    setBusy(false);
  }
}

function positiveInteger(id) {
  const value = Number($(id).value);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`'${id}' must be an integer >= 1, got ${JSON.stringify($(id).value)}`);
  return value;
}

/** A new run's settings from the controls; a checkpoint stores them (its `page` callback state). */
function readConfig() {
  const steps = positiveInteger('steps');
  return {
    backend: $('backend').value,
    size: $('size').value,
    steps,
    saveEvery: positiveInteger('save-every'),
    evalEvery: Math.max(1, Math.round(steps / 8)),
    lr: 3e-3,
  };
}

function showConfig(config) {
  $('backend').value = config.backend;
  $('size').value = config.size;
  $('steps').value = String(config.steps);
  $('save-every').value = String(config.saveEvery);
}

/** The model, data, optimizer and Trainer of `config`; the same for a new run and a resumed one. */
async function buildRun(config, tokenizer) {
  const sizes = SIZES[config.size];
  if (!sizes) throw new ConfigError(`model size must be one of ${Object.keys(SIZES).join(', ')}, got ${JSON.stringify(config.size)}`);
  await useBackend(config.backend);
  const ids = tokenizer.encodeIds(await textPromise);
  const cut = Math.floor(ids.length * 0.9); // nanoGPT's split: the first 90 % trains, the rest validates
  const data = randomWindows(ids.subarray(0, cut), { blockSize: BLOCK + 1, batchSize: BATCH, seed: SEED });
  const validation = randomWindows(ids.subarray(cut), { blockSize: BLOCK + 1, batchSize: BATCH, seed: SEED + 1 });
  const model = demoModel(tokenizer, { block: BLOCK, ...sizes, seed: SEED });
  const optimizer = new AdamW(model, { lr: config.lr, betas: [0.9, 0.99], weightDecay: 0.1 });
  const recent = [];
  const trainer = new Trainer({
    model,
    objective: new CausalLM(),
    data,
    optimizer,
    schedule: new CosineSchedule({ maxLr: config.lr, minLr: config.lr / 10, warmupSteps: Math.min(100, Math.round(config.steps / 10)), decaySteps: config.steps }),
    maxSteps: config.steps,
    clipNorm: 1,
    evalEvery: config.evalEvery,
    evalData: validation,
    evalBatches: 8,
    checkpointDir: CHECKPOINT_ROOT,
    checkpointEvery: config.saveEvery,
    keepCheckpoints: 1,
    tokenizer,
    seed: SEED,
    log: false,
    callbacks: [
      {
        // Saved in trainer.json: what a later visit needs to rebuild this run, and the chart so far.
        name: 'page',
        getState: () => ({ config, history: chart.history }),
        setState: (state) => chart.reset(state.history),
      },
      {
        onStep(s) {
          recent.push(s);
          if (recent.length > 20) recent.shift();
          const tokensPerSecond = recent.reduce((a, r) => a + r.tokens, 0) / recent.reduce((a, r) => a + r.seconds, 0);
          chart.addStep(s.step, s.loss);
          stat('stat-step', `${s.step} / ${config.steps}`);
          stat('stat-loss', s.loss.toFixed(4));
          stat('stat-speed', Math.round(tokensPerSecond).toLocaleString('en'));
          print(`step ${s.step}/${config.steps}  loss ${s.loss.toFixed(6)}  lr ${s.lr.toExponential(2)}  ${Math.round(tokensPerSecond)} tok/s`);
        },
        onEval({ step, loss }) {
          chart.addValidation(step, loss);
          stat('stat-val', loss.toFixed(4));
          print(`step ${step}/${config.steps}  val loss ${loss.toFixed(6)}`);
        },
        async onCheckpoint({ step }) {
          const { name, bytes } = await packCheckpoint();
          await store.save(name, bytes);
          print(`checkpoint step ${step} saved (${store.kind}, ${(bytes.length / 1e6).toFixed(2)} MB)`);
          offerResume(null);
        },
      },
    ],
  });
  return { model, tokenizer, optimizer, trainer, config };
}

/** Trains `run` to its last step (or until Stop), then samples and draws the heat-map. */
async function train(run, resumeFrom) {
  stat('stat-device', currentBackend().describe().device);
  print(`backend ${run.config.backend}: ${currentBackend().describe().device}`);
  print(`${run.config.size} model, ${(run.model.numParameters() / 1e6).toFixed(2)}M parameters, ${run.config.steps} steps`);
  current = run;
  const result = await run.trainer.fit(resumeFrom ? { resumeFrom } : {});
  print(`stopped (${result.reason}) at step ${result.step}`);
  run.model.eval();
  await generate();
}

function dispose() {
  current?.optimizer.dispose();
  current?.model.dispose();
  current = null;
  attention = null;
}

async function newRun() {
  const config = readConfig();
  dispose();
  $('log').textContent = '';
  $('sample').textContent = '';
  chart.reset();
  const tokenizer = charLevel();
  await tokenizer.train([await textPromise], new CharTrainer());
  await train(await buildRun(config, tokenizer));
}

/** Continues the checkpoint in `bytes` exactly where it stopped (the same run as an uninterrupted one). */
async function resume(bytes, where) {
  dispose();
  $('log').textContent = '';
  $('sample').textContent = '';
  const { root, state } = await unpackCheckpoint(bytes, where);
  const config = state.callbacks?.page?.config;
  if (!config) throw new CheckpointError(`${where}: trainer.json has no 'callbacks.page' settings: not a checkpoint of this page`);
  showConfig(config);
  const latest = (await readFile(`${root}/latest`, 'utf8')).trim();
  const tokenizer = Tokenizer.fromJSON(await readFile(`${root}/${latest}/tokenizer.json`, 'utf8'));
  const run = await buildRun(config, tokenizer);
  print(`resuming ${where} at step ${state.step}`);
  await train(run, root);
}

/** Streams a sample from @llmkit/eval's generation into the page, then draws its attention. */
async function generate() {
  if (!current) return;
  const temperature = Number($('temperature').value);
  const topK = Number($('top-k').value);
  const topP = Number($('top-p').value);
  // ?sample=N shortens the sample (the browser test uses it on the slow software GPU).
  const length = Number(new URLSearchParams(location.search).get('sample') ?? $('length').value);
  const options = {
    maxNewTokens: length,
    seed: SEED,
    ...(temperature === 0 ? { doSample: false } : { temperature }),
    ...(topK > 0 ? { topK } : {}),
    ...(topP > 0 && topP < 1 ? { topP } : {}),
  };
  const prompt = $('prompt').value || '\n';
  const out = $('sample');
  out.textContent = prompt;
  for await (const chunk of sampleText(current.model, current.tokenizer, prompt, options)) out.textContent += chunk;
  await computeAttention(out.textContent);
}

/** Attention maps of the sample's first characters (at most the model's context) for every layer and head. */
async function computeAttention(text) {
  const { model, tokenizer } = current;
  const chars = [...text].slice(0, Math.min(48, model.config.nPositions));
  const ids = Array.from(tokenizer.encodeIds(chars.join('')));
  attention = { chars, maps: await attentionMaps(model, ids) };
  for (const [id, count] of [['layer', attention.maps.length], ['head', attention.maps[0].length]]) {
    const select = $(id);
    const chosen = Math.min(Number(select.value) || 0, count - 1);
    select.replaceChildren(...Array.from({ length: count }, (_, i) => new Option(String(i), String(i))));
    select.value = String(chosen);
  }
  drawAttention();
}

function drawAttention() {
  if (!attention) return;
  const weights = attention.maps[Number($('layer').value)][Number($('head').value)];
  drawHeatmap($('heatmap'), weights, attention.chars);
}

/** Shows the Resume button for the checkpoint the store holds (`found`), or hides it. */
function offerResume(found) {
  $('resume').dataset.available = String(found !== null);
  $('resume').disabled = found === null || busy;
  $('resume-info').textContent = found ? `${found.label}: continue it exactly where it stopped.` : '';
}

async function download() {
  const { name, bytes } = await packCheckpoint();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([bytes], { type: 'application/x-tar' }));
  link.download = `llmkit-demo-${name}.tar`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

$('train').addEventListener('click', () => guarded(newRun));
$('stop').addEventListener('click', () => current?.trainer.stop('stopped from the page'));
$('generate').addEventListener('click', () => guarded(generate));
$('download').addEventListener('click', () => guarded(download));
$('layer').addEventListener('change', drawAttention);
$('head').addEventListener('change', drawAttention);
$('resume').addEventListener('click', () =>
  guarded(async () => {
    const saved = await store.load();
    if (!saved) throw new CheckpointError(`${store.kind}: no checkpoint saved`);
    await resume(saved.bytes, `${store.kind} checkpoint`);
  }),
);
$('upload').addEventListener('change', (event) => {
  const file = event.target.files?.[0];
  event.target.value = '';
  if (file) guarded(async () => resume(new Uint8Array(await file.arrayBuffer()), `'${file.name}'`));
});

// A checkpoint from an earlier visit (the tab was closed, or the page reloaded) is offered for resuming.
try {
  const saved = await store.load();
  if (saved) {
    const { state } = await unpackCheckpoint(saved.bytes, `${store.kind} checkpoint`);
    const config = state.callbacks?.page?.config;
    offerResume({ label: `Saved in ${store.kind}: step ${state.step} of ${config?.steps ?? '?'} (${config?.size ?? '?'} model on ${config?.backend ?? '?'})` });
  } else offerResume(null);
} catch (e) {
  print(`error: the saved checkpoint cannot be read: ${e.message}`);
  offerResume(null);
}
setBusy(false);
document.body.dataset.ready = 'true';
