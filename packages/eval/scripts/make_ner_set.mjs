// Makes data/synthetic-ner.json, the small tagging set of examples/tag-entities.ts: sentences from
// templates filled with person, location and organisation names, tagged IOB2 (PER, LOC, ORG).
// Written for llmkit and released with it under Apache-2.0; no outside corpus is used.
//   node packages/eval/scripts/make_ner_set.mjs > packages/eval/data/synthetic-ner.json
// What makes it more than a lookup: names that are both people and places (jordan, washington,
// paris, georgia, chelsea), words that are entities only sometimes (apple, may, amazon), entities
// of two or three words (B- then I- tags), and a test split whose fillers are half names never
// seen in training, so only the context ("flew from _ to") tells their type.
const PER = ['john smith', 'maria garcia', 'wei chen', 'ahmed khan', 'olga petrova', 'james brown', 'anna kowalska', 'kenji sato', 'lucy adams', 'peter novak', 'jordan', 'washington', 'paris hilton', 'georgia', 'chelsea', 'may', 'mary ann lee', 'tom', 'sara', 'ali'];
const PER_NEW = ['ivan horvat', 'fatima zahra', 'diego lopez', 'hana kim', 'lars berg', 'nina rossi', 'omar farouk', 'emma wilson', 'yuki tanaka', 'carlos silva'];
const LOC = ['paris', 'london', 'new york', 'tokyo', 'berlin', 'jordan', 'washington', 'georgia', 'chelsea', 'cairo', 'lima', 'oslo', 'rio de janeiro', 'cape town', 'madrid', 'delhi', 'sydney', 'boston', 'rome', 'seoul'];
const LOC_NEW = ['warsaw', 'nairobi', 'lisbon', 'hanoi', 'quito', 'dublin', 'zagreb', 'vienna', 'santiago', 'kyoto'];
const ORG = ['apple', 'amazon', 'united nations', 'red cross', 'bank of america', 'toyota', 'siemens', 'unicef', 'general electric', 'nasa', 'the world bank', 'fifa', 'reuters', 'samsung', 'oxfam'];
const ORG_NEW = ['nokia', 'interpol', 'philips', 'unesco', 'the red crescent', 'airbus', 'ikea', 'nestle', 'oracle', 'greenpeace'];
const TEMPLATES = [
  '{PER} flew from {LOC} to {LOC} on monday .',
  '{PER} joined {ORG} in {LOC} last year .',
  '{ORG} opened an office in {LOC} .',
  'the {ORG} chief {PER} met {PER} in {LOC} .',
  '{PER} said {ORG} shares fell sharply .',
  'shares of {ORG} rose after {PER} spoke .',
  'officials in {LOC} praised {ORG} .',
  '{PER} ate an apple in {LOC} .',
  'in may , {PER} visited {LOC} .',
  '{PER} works for {ORG} .',
  'a storm hit {LOC} on friday , {ORG} said .',
  '{PER} and {PER} were born in {LOC} .',
  'the amazon river is far from {LOC} .',
  '{ORG} hired {PER} as an adviser .',
  'talks between {ORG} and {ORG} ended in {LOC} .',
  '{PER} moved to {LOC} to study .',
];

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
const random = rng(14);
const pick = (xs) => xs[Math.floor(random() * xs.length)];

function sentence(unseen) {
  const tokens = [];
  const tags = [];
  for (const part of pick(TEMPLATES).split(' ')) {
    const slot = /^\{(PER|LOC|ORG)\}$/.exec(part)?.[1];
    if (!slot) {
      tokens.push(part);
      tags.push('O');
      continue;
    }
    const seen = { PER, LOC, ORG }[slot];
    const fresh = { PER: PER_NEW, LOC: LOC_NEW, ORG: ORG_NEW }[slot];
    const words = pick(unseen && random() < 0.5 ? fresh : seen).split(' ');
    words.forEach((w, i) => {
      tokens.push(w);
      tags.push(`${i === 0 ? 'B' : 'I'}-${slot}`);
    });
  }
  return { tokens, tags };
}

const train = Array.from({ length: 600 }, () => ({ split: 'train', ...sentence(false) }));
const test = Array.from({ length: 200 }, () => ({ split: 'test', ...sentence(true) }));
process.stdout.write(
  `${JSON.stringify({
    source: 'synthetic: templates and names written for llmkit (scripts/make_ner_set.mjs)',
    license: 'Apache-2.0',
    scheme: 'IOB2',
    sentences: [...train, ...test],
  }).replace(/\},\{"split"/g, '},\n{"split"')}\n`,
);
