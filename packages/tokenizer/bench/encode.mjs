// Benchmark (not a test): GPT-2 encode throughput of @llmkit/tokenizer vs js-tiktoken and
// gpt-tokenizer on the same text, and BPE training time for an 8k vocabulary vs sentencepiece.
// Run with `npm run bench` in packages/tokenizer (builds dist first). Prints a markdown table.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import { Tiktoken } from 'js-tiktoken/lite';
import { encode as gptTokenizerEncode } from 'gpt-tokenizer/encoding/r50k_base';
import { BpeTrainer, byteLevelAlphabet, byteLevelBpe, fromTiktokenRanks } from '../dist/index.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const shakespeare = readFileSync(here('../test/data/tinyshakespeare-300k.txt'), 'utf8');
const mixed = readFileSync(here('../test/data/mixed.txt'), 'utf8');
// The CJK sample: the Chinese/Japanese/Korean lines of the mixed sample, repeated to ~300 kB.
const cjkLines = mixed.split('\n').filter((l) => /[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]/u.test(l)).join('\n');
const cjk = cjkLines.repeat(Math.ceil(300_000 / Buffer.byteLength(cjkLines)));
const corpora = { 'tiny Shakespeare (300 kB)': shakespeare, 'CJK sample (300 kB)': cjk };

const llmkit = fromTiktokenRanks(gpt2Ranks);
const tiktoken = new Tiktoken(gpt2Ranks);
const encoders = {
  '@llmkit/tokenizer': (t) => llmkit.encodeIds(t),
  '@llmkit/tokenizer encode() (Encoding with offsets, masks)': (t) => llmkit.encode(t).ids,
  'js-tiktoken 1.0.21': (t) => tiktoken.encode(t),
  'gpt-tokenizer 4.0.0': (t) => gptTokenizerEncode(t),
};

/** Median MB/s over `runs` timed passes after `warmup` passes, encoding the text line by line in 64 kB blocks. */
function throughput(encode, text, runs = 7, warmup = 2) {
  const blocks = [];
  for (let i = 0; i < text.length; i += 65536) blocks.push(text.slice(i, i + 65536));
  const mb = Buffer.byteLength(text, 'utf8') / 1e6;
  const rates = [];
  for (let r = 0; r < runs + warmup; r++) {
    const t0 = performance.now();
    for (const b of blocks) encode(b);
    const s = (performance.now() - t0) / 1000;
    if (r >= warmup) rates.push(mb / s);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

// Same ids first: a benchmark of wrong answers is worthless.
for (const text of Object.values(corpora)) {
  const a = Array.from(llmkit.encodeIds(text));
  for (const [name, enc] of Object.entries(encoders)) {
    if (JSON.stringify(Array.from(enc(text))) !== JSON.stringify(a)) throw new Error(`${name} disagrees with @llmkit/tokenizer`);
  }
}

const rows = [];
for (const [corpus, text] of Object.entries(corpora)) {
  // Interleave encoders so that machine load affects all of them alike.
  const results = Object.fromEntries(Object.keys(encoders).map((n) => [n, []]));
  for (let round = 0; round < 3; round++) for (const [name, enc] of Object.entries(encoders)) results[name].push(throughput(enc, text, 3, round === 0 ? 2 : 1));
  const best = Object.fromEntries(Object.entries(results).map(([n, rs]) => [n, Math.max(...rs)]));
  const fastestOther = Math.max(...Object.entries(best).filter(([n]) => !n.startsWith('@llmkit')).map(([, v]) => v));
  for (const [name, mbps] of Object.entries(best)) rows.push([`encode, ${corpus}`, name, `${mbps.toFixed(1)} MB/s`, name.startsWith('@llmkit') ? `${(mbps / fastestOther).toFixed(2)}× the faster JS encoder` : '']);
}

// Training: byte-level BPE with an 8k vocabulary on Shakespeare + the CJK sample.
const trainText = shakespeare + '\n' + cjk;
const trainTimes = [];
for (let r = 0; r < 3; r++) {
  const tok = byteLevelBpe();
  const t0 = performance.now();
  await tok.train(trainText, new BpeTrainer({ vocabSize: 8000, initialAlphabet: byteLevelAlphabet(), specialTokens: ['<|endoftext|>'] }));
  trainTimes.push((performance.now() - t0) / 1000);
  if (r === 0 && tok.getVocabSize() !== 8000) throw new Error(`trained vocabulary has ${tok.getVocabSize()} tokens`);
}
rows.push(['BPE training, 8k vocab, 600 kB', '@llmkit/tokenizer (byte-level BPE)', `${Math.min(...trainTimes).toFixed(2)} s`, '']);

// Debian's python3-sentencepiece lives under /usr/bin/python3, which a pyenv python3 may shadow.
const python = ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import sentencepiece']).status === 0);
if (python !== undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'llmkit-spm-'));
  try {
    writeFileSync(join(dir, 'corpus.txt'), trainText);
    const script = `
import sentencepiece as spm, time, sys
best = 1e9
for _ in range(3):
    t0 = time.perf_counter()
    spm.SentencePieceTrainer.train(input=sys.argv[1], model_prefix=sys.argv[2], vocab_size=8000, model_type='bpe',
        character_coverage=1.0, byte_fallback=True, num_threads=1, minloglevel=2, max_sentence_length=1000000)
    best = min(best, time.perf_counter() - t0)
print(best)`;
    const out = execFileSync(python, ['-c', script, join(dir, 'corpus.txt'), join(dir, 'spm')], { encoding: 'utf8' });
    const version = execFileSync(python, ['-c', 'import sentencepiece; print(sentencepiece.__version__)'], { encoding: 'utf8' }).trim();
    rows.push(['BPE training, 8k vocab, 600 kB', `sentencepiece ${version} (BPE, 1 thread)`, `${Number(out.trim()).toFixed(2)} s`, '']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log('sentencepiece: skipped (python3 -c "import sentencepiece" failed; apt-get install python3-sentencepiece to compare)');
}

console.log(`\n${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}\n`);
console.log('| benchmark | implementation | result | note |');
console.log('| --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
