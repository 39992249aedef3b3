// The browser demo: the Node demo's model, Trainer and sample (@llmkit/eval's generation) on the wasm or the webgpu backend.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@llmkit/backend-wasm';
import '@llmkit/backend-webgpu';
import { currentBackend, useBackend } from '@llmkit/core';
import { CausalLM } from '@llmkit/objectives';
import { CharTrainer, charLevel } from '@llmkit/tokenizer';
import { demoModel } from '../src/model.mjs';
import { sampleText } from '../src/sample-text.mjs';
import { AdamW, CosineSchedule, Trainer } from '@llmkit/trainer';
import { randomWindows } from './batches.js';

const log = document.getElementById('log');
const print = (line) => {
  log.textContent += `${line}\n`;
};

setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');

document.getElementById('start').addEventListener('click', async (event) => {
  event.target.disabled = true;
  log.textContent = '';
  try {
    await run(Number(document.getElementById('steps').value), document.getElementById('backend').value);
  } catch (e) {
    print(`error: ${e.stack ?? e}`);
  }
  event.target.disabled = false;
});

async function run(steps, backend) {
  await useBackend(backend);
  print(`backend ${backend}: ${currentBackend().describe().device}`);
  const text = await (await fetch('../data/tinyshakespeare.txt')).text();
  const tokenizer = charLevel();
  await tokenizer.train([text], new CharTrainer());
  const ids = tokenizer.encodeIds(text);
  const cut = Math.floor(ids.length * 0.9); // nanoGPT's split: the first 90 % trains, the rest validates
  const block = 64;
  const seed = 1337;
  const data = randomWindows(ids.subarray(0, cut), { blockSize: block + 1, batchSize: 16, seed });
  const validation = randomWindows(ids.subarray(cut), { blockSize: block + 1, batchSize: 16, seed: seed + 1 });
  const model = demoModel(tokenizer, { block, nEmbd: 128, nLayer: 4, nHead: 4, seed });
  print(`${(model.numParameters() / 1e6).toFixed(2)}M parameters, ${steps} steps`);
  let tokens = 0;
  let seconds = 0;
  const optimizer = new AdamW(model, { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 0.1 });
  const trainer = new Trainer({
    model,
    objective: new CausalLM(),
    data,
    optimizer,
    schedule: new CosineSchedule({ maxLr: 1e-3, minLr: 1e-4, warmupSteps: Math.min(100, Math.round(steps / 10)), decaySteps: steps }),
    maxSteps: steps,
    clipNorm: 1,
    evalEvery: Math.min(steps, Math.max(50, Math.round(steps / 4))),
    evalData: validation,
    evalBatches: 8,
    seed,
    log: false,
    callbacks: [
      {
        onStep(s) {
          tokens += s.tokens;
          seconds += s.seconds;
          if (s.step === 1 || s.step % 10 === 0) print(`step ${s.step}/${steps}  loss ${s.loss.toFixed(4)}  lr ${s.lr.toExponential(2)}  ${Math.round(tokens / seconds)} tok/s`);
        },
        onEval: ({ step, loss }) => print(`step ${step}/${steps}  val loss ${loss.toFixed(4)}`),
      },
    ],
  });
  await trainer.fit();
  model.eval();
  // ?sample=N shortens the sample (the browser test uses it on the slow software GPU).
  const sampleLength = Number(new URLSearchParams(location.search).get('sample') ?? 200);
  // @llmkit/eval's generation, shown as it streams.
  const out = document.getElementById('sample');
  out.textContent = '';
  for await (const chunk of sampleText(model, tokenizer, '\n', { maxNewTokens: sampleLength, temperature: 0.8, seed })) out.textContent += chunk;
  optimizer.dispose();
  model.dispose();
}
