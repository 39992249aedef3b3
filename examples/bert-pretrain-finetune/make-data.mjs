// Writes this example's data from the repository's tiny Shakespeare (public domain), once:
//   node make-data.mjs        (from examples/bert-pretrain-finetune, inside the repository)
// corpus/*.txt: three slices of the first 700 000 characters, whole speeches, for pretraining.
// questions.jsonl: the labelled task, from the characters after 700 000 (text pretraining never
// reads): sentences of 3-20 words taken from speeches, their final mark removed, labelled
// "question" when it was '?' and "statement" when it was '.' or '!'; 300 of each, in file order.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const source = new URL('../../apps/demo/data/tinyshakespeare.txt', import.meta.url);
const text = readFileSync(source, 'utf8');
const SPLIT = 700_000;

/** From `start`, whole speeches (paragraphs) until about `size` characters. */
function slice(start, size) {
  const from = text.indexOf('\n\n', start) + 2;
  const to = text.indexOf('\n\n', from + size);
  return `${text.slice(from, to)}\n`;
}
mkdirSync(new URL('corpus/', import.meta.url), { recursive: true });
for (const [name, start] of [['coriolanus.txt', 0], ['middle.txt', 250_000], ['late.txt', 500_000]]) {
  writeFileSync(new URL(`corpus/${name}`, import.meta.url), slice(start, 12_000));
}

// A speech is "NAME:\nline\nline…"; its sentences may run across lines.
const examples = { question: [], statement: [] };
for (const speech of text.slice(text.indexOf('\n\n', SPLIT) + 2).split('\n\n')) {
  const body = speech.split('\n').slice(1).join(' ');
  for (const [sentence] of body.matchAll(/[^.?!]+[.?!]/g)) {
    const words = sentence.trim().split(/\s+/);
    if (words.length < 3 || words.length > 20) continue;
    const label = sentence.endsWith('?') ? 'question' : 'statement';
    examples[label].push({ text: words.join(' ').slice(0, -1).trim(), label });
  }
}
// Every other example of each class, so both cover the whole held-out text; then interleaved.
const pick = (list) => list.filter((_, i) => i % 2 === 0).slice(0, 300);
const [q, s] = [pick(examples.question), pick(examples.statement)];
if (q.length < 300 || s.length < 300) throw new Error(`expected 300 of each label; got ${q.length} questions, ${s.length} statements`);
const rows = q.flatMap((e, i) => [e, s[i]]);
writeFileSync(new URL('questions.jsonl', import.meta.url), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
console.log(`corpus/: 3 files; questions.jsonl: ${rows.length} examples`);
