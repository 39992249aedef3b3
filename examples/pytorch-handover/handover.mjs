// Outgrow one machine: train a GPT in llmkit, continue it in PyTorch with HF transformers under
// `accelerate launch`, load the result back into llmkit and keep training. At both hand-overs the
// receiver's loss on a fixed probe batch must equal the sender's last one within TOLERANCE.
//   node handover.mjs [--steps N] [--processes N] [--full] [--out DIR]
// Needs a Python with torch, transformers and accelerate (find-python.mjs); without one it prints
// why in one line and exits 0.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Rng, useBackend } from '@llmkit/core';
import { GPT } from '@llmkit/layers';
import { CausalLM } from '@llmkit/objectives';
import { BpeTrainer, Tokenizer, byteLevelAlphabet, byteLevelBpe } from '@llmkit/tokenizer';
import { AdamW, Trainer } from '@llmkit/trainer';
import { findPython } from './find-python.mjs';

/**
 * |receiver's first probe loss - sender's last| allowed. float32 on two engines differs by about
 * 1e-6 (at most 9.5e-7 measured); rounding every weight to bfloat16 on the way moves it by 1e-4.
 */
const TOLERANCE = 1e-5;
const { values: args } = parseArgs({
  options: { steps: { type: 'string' }, processes: { type: 'string', default: '1' }, full: { type: 'boolean', default: false }, out: { type: 'string', default: 'out' } },
});
const size = args.full ? { steps: 200, nEmbd: 128, nLayer: 4, vocab: 1000 } : { steps: 15, nEmbd: 32, nLayer: 2, vocab: 400 };
const steps = Number(args.steps ?? size.steps);
for (const [flag, value] of [['--steps', steps], ['--processes', Number(args.processes)]]) {
  if (!(Number.isSafeInteger(value) && value >= 1)) {
    console.error(`pytorch-handover: ${flag} must be a positive integer; got ${flag === '--steps' ? args.steps : args.processes}`);
    process.exit(1);
  }
}
const [blockSize, batchSize, lr, warmup] = [64, 8, 1e-3, 2];

let found;
try {
  found = findPython();
} catch (error) {
  console.error(`pytorch-handover: ${error.message}`);
  process.exit(1);
}
if (!found.python) {
  console.log(`pytorch-handover: skipped: ${found.reason}`);
  process.exit(0);
}
const backend = await useBackend();
console.log(`backend ${backend.name}; python ${found.python}; ${steps} steps in each of the three legs`);

// A byte-level BPE (GPT-2's scheme) on the corpus: its tokenizer.json is what HF tokenizers reads.
const text = readFileSync('shakespeare.txt', 'utf8');
const tokenizer = byteLevelBpe();
await tokenizer.train([text], new BpeTrainer({ vocabSize: size.vocab, minFrequency: 2, specialTokens: ['<|endoftext|>'], initialAlphabet: byteLevelAlphabet() }));
const ids = Int32Array.from(tokenizer.encodeIds(text));
const hashIds = (a) => createHash('sha256').update(Array.from(a).join(',')).digest('hex');
// The last tenth of the token stream is held out: the probe batch comes from it, training from the rest.
const trainTokens = Math.floor(ids.length * 0.9);
const probeRows = Math.floor((ids.length - trainTokens) / blockSize);
const probe = Array.from({ length: Math.min(8, probeRows) }, (_, r) => Array.from(ids.subarray(trainTokens + r * blockSize, trainTokens + (r + 1) * blockSize)));
const rows = (list) => ({ batchSize: list.length, length: blockSize, inputIds: Int32Array.from(list.flat()), attentionMask: new Int32Array(list.length * blockSize).fill(1) });
const probeBatch = rows(probe);

/** Random blocks of the training tokens, as continue_training.py draws them (with another generator). */
function* randomBlocks(seed) {
  const rng = new Rng(seed);
  const block = () => {
    const start = rng.nextInt(trainTokens - blockSize + 1);
    return Array.from(ids.subarray(start, start + blockSize));
  };
  for (;;) yield rows(Array.from({ length: batchSize }, block));
}

/** Trains `gpt` for `steps` steps; returns the probe loss before and after and the training losses. */
async function trainLeg(name, gpt, seed) {
  const losses = [];
  const trainer = new Trainer({
    model: gpt,
    objective: new CausalLM(),
    data: randomBlocks(seed),
    optimizer: new AdamW(gpt, { betas: [0.9, 0.99], weightDecay: 0.1 }),
    schedule: (step) => lr * Math.min(1, (step + 1) / (warmup + 1)),
    maxSteps: steps,
    clipNorm: 1,
    evalData: [probeBatch],
    log: false,
    callbacks: [
      {
        onStep: ({ step, loss }) => {
          losses.push(loss);
          if (step === 1 || step % Math.max(1, Math.floor(steps / 4)) === 0) console.log(`${name} step ${step}: loss ${loss.toFixed(4)}`);
        },
      },
    ],
  });
  const before = (await trainer.evaluate()).loss;
  await trainer.fit();
  const after = (await trainer.evaluate()).loss;
  return { before, after, losses };
}

// Leg 1: llmkit, from scratch.
const gpt = GPT.fromTokenizer(tokenizer.tokenIds(), { nPositions: blockSize, nEmbd: size.nEmbd, nLayer: size.nLayer, nHead: 4, residPdrop: 0, embdPdrop: 0, attnPdrop: 0, seed: 1 });
const leg1 = await trainLeg('llmkit', gpt, 1);
const sent = `${args.out}/llmkit`;
mkdirSync(sent, { recursive: true });
await gpt.save(sent); // config.json + model.safetensors, GPT2LMHeadModel's layout
await tokenizer.save(`${sent}/tokenizer.json`);
writeFileSync(`${sent}/handover.json`, JSON.stringify({ blockSize, trainTokens, probe, probeLoss: leg1.after, corpusIds: hashIds(ids) }));
gpt.dispose();
console.log(`llmkit: probe loss ${leg1.before.toFixed(6)} -> ${leg1.after.toFixed(6)}; saved ${sent}`);

// Leg 2: PyTorch, under `accelerate launch` (its module, so no PATH needed). accelerate starts
// several CPU processes only through MPI, so for --processes > 1 torchrun starts them; Accelerator
// in the script then trains data-parallel (DDP over gloo) either way.
const received = `${args.out}/pytorch`;
const processes = Number(args.processes);
const launch =
  processes > 1
    ? ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', String(processes)]
    : ['-m', 'accelerate.commands.launch', '--cpu', '--num_processes', '1', '--num_machines', '1', '--num_cpu_threads_per_process', '2', '--mixed_precision', 'no', '--dynamo_backend', 'no'];
const script = ['continue_training.py', '--model', sent, '--out', received, '--corpus', 'shakespeare.txt', '--steps', String(steps), '--batch-size', String(batchSize), '--lr', String(lr), '--warmup', String(warmup)];
const code = await new Promise((resolve, reject) => {
  // TQDM_DISABLE: no progress bars from transformers' loading and saving in this log.
  const child = spawn(found.python, [...launch, ...script], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, TQDM_DISABLE: '1' } });
  child.on('error', reject);
  child.on('close', resolve);
});
if (code !== 0) {
  console.error(`pytorch-handover: ${found.python} ${launch.slice(0, 2).join(' ')} … continue_training.py exited with ${code}`);
  process.exit(1);
}
const back = JSON.parse(readFileSync(`${received}/handover.json`, 'utf8'));

// Leg 3: llmkit again, from what transformers saved.
const loaded = await GPT.load(received);
const reloadedTokenizer = await Tokenizer.fromFile(`${received}/tokenizer.json`);
const sameIds = hashIds(reloadedTokenizer.encodeIds(text)) === hashIds(ids);
const leg3 = await trainLeg('llmkit again', loaded, 3);
loaded.dispose();

const jump1 = Math.abs(back.probeLossOnArrival - leg1.after);
const jump2 = Math.abs(leg3.before - back.probeLoss);
console.log(`tokenizer.json saved by transformers gives llmkit's ids: ${sameIds}`);
console.log(`hand-over 1, llmkit -> pytorch: probe loss ${leg1.after.toFixed(6)} -> ${back.probeLossOnArrival.toFixed(6)} (|difference| ${jump1.toExponential(1)})`);
console.log(`hand-over 2, pytorch -> llmkit: probe loss ${back.probeLoss.toFixed(6)} -> ${leg3.before.toFixed(6)} (|difference| ${jump2.toExponential(1)})`);
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const edges = (a) => `${mean(a.slice(0, 3)).toFixed(4)} … ${mean(a.slice(-3)).toFixed(4)}`;
console.log(`training loss (mean of first 3 … last 3 steps): llmkit ${edges(leg1.losses)} | pytorch ${edges(back.trainLosses)} | llmkit ${edges(leg3.losses)}`);
console.log(`probe loss: ${leg1.before.toFixed(4)} (start) -> ${leg1.after.toFixed(4)} (llmkit) -> ${back.probeLoss.toFixed(4)} (pytorch) -> ${leg3.after.toFixed(4)} (llmkit)`);
const problems = [
  !sameIds && 'the tokenizer.json transformers saved encodes differently',
  !(jump1 <= TOLERANCE) && `hand-over 1 moved the probe loss by ${jump1} > ${TOLERANCE.toExponential(0)}`,
  !(jump2 <= TOLERANCE) && `hand-over 2 moved the probe loss by ${jump2} > ${TOLERANCE.toExponential(0)}`,
  !(leg1.after < leg1.before && back.probeLoss < leg1.after && leg3.after < back.probeLoss) && 'the probe loss did not fall in every leg',
].filter(Boolean);
if (problems.length) {
  console.error(`pytorch-handover: FAILED: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(`pytorch-handover: passed (both hand-overs within ${TOLERANCE.toExponential(0)}, the probe loss fell in every leg)`);
