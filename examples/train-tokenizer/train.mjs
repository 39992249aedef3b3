// Trains a GPT-2-style byte-level BPE on a corpus, saves it as an HF tokenizer.json, loads the file
// back and checks that the loaded tokenizer encodes and decodes like the trained one.
//   node train.mjs [corpus.txt] [vocabSize] [out/tokenizer.json]
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BpeTrainer, Tokenizer, byteLevelAlphabet, byteLevelBpe, readTextFiles } from '@llmkit/tokenizer';

const [corpus = 'corpus.txt', vocabSize = '1000', out = 'out/tokenizer.json'] = process.argv.slice(2);

const trained = byteLevelBpe();
await trained.train(
  readTextFiles(corpus),
  new BpeTrainer({ vocabSize: Number(vocabSize), minFrequency: 2, specialTokens: ['<|endoftext|>'], initialAlphabet: byteLevelAlphabet() }),
);
mkdirSync(dirname(out), { recursive: true });
await trained.save(out);
console.log(`trained ${trained.getVocabSize()} tokens on ${corpus}, saved ${out}`);

const loaded = await Tokenizer.fromFile(out);
const sample = 'First Citizen: Before we proceed any further, hear me speak. Ünïcödé too — 🎭';
const ids = loaded.encodeIds(sample);
const same = ids.length === trained.encodeIds(sample).length && ids.every((id, i) => id === trained.encodeIds(sample)[i]);
const roundTrip = loaded.decode(ids) === sample;
console.log(`"${sample}" -> ${ids.length} tokens; same ids as the trained tokenizer: ${same}; decodes back: ${roundTrip}`);
if (!same || !roundTrip || loaded.getVocabSize() !== trained.getVocabSize()) {
  console.error('the saved tokenizer.json does not reproduce the trained tokenizer');
  process.exit(1);
}
