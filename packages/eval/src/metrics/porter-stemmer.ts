// The Porter stemmer exactly as NLTK's PorterStemmer in its default NLTK_EXTENSIONS mode, which
// rouge-score (and torchmetrics' ROUGE) apply with use_stemmer. Martin Porter's 1980 steps 1a-5b plus
// NLTK's extensions: irregular forms, 'ies'/'ied' on 4-letter words, 'fulli', 'logi', 'alli'.
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

const IRREGULAR: Record<string, string> = {
  sky: 'sky', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', news: 'news',
  innings: 'inning', inning: 'inning', outings: 'outing', outing: 'outing',
  cannings: 'canning', canning: 'canning', howe: 'howe', proceed: 'proceed', exceed: 'exceed', succeed: 'succeed',
};

function isConsonant(word: string, i: number): boolean {
  if (VOWELS.has(word[i]!)) return false;
  if (word[i] === 'y') {
    let negate = false;
    while (i > 0 && word[i] === 'y') {
      negate = !negate;
      i--;
    }
    return !VOWELS.has(word[i]!) !== negate;
  }
  return true;
}

function consonantFlags(word: string): boolean[] {
  const flags: boolean[] = [];
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    if (VOWELS.has(ch)) flags.push(false);
    else if (ch === 'y') flags.push(i === 0 ? true : !flags[i - 1]);
    else flags.push(true);
  }
  return flags;
}

/** m in [C](VC)^m[V]: the number of vowel-consonant sequences. */
function measure(stem: string): number {
  const cv = consonantFlags(stem).map((c) => (c ? 'c' : 'v')).join('');
  return cv.split('vc').length - 1;
}
const positive = (stem: string) => measure(stem) > 0;
const containsVowel = (stem: string) => !consonantFlags(stem).every(Boolean);
const endsDoubleConsonant = (w: string) => w.length >= 2 && w[w.length - 1] === w[w.length - 2] && isConsonant(w, w.length - 1);
function endsCvc(w: string): boolean {
  const n = w.length;
  return (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1) && !['w', 'x', 'y'].includes(w[n - 1]!)) || (n === 2 && !isConsonant(w, 0) && isConsonant(w, 1));
}

type Rule = [suffix: string, replacement: string, condition: ((stem: string) => boolean) | null];

/** The first rule whose suffix matches decides: its replacement if the condition holds, else the word. */
function applyRules(word: string, rules: Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (suffix === '*d' && endsDoubleConsonant(word)) {
      const stem = word.slice(0, -2);
      return !condition || condition(stem) ? stem + replacement : word;
    }
    if (word.endsWith(suffix)) {
      const stem = suffix === '' ? word : word.slice(0, -suffix.length);
      return !condition || condition(stem) ? stem + replacement : word;
    }
  }
  return word;
}

function step1a(w: string): string {
  if (w.endsWith('ies') && w.length === 4) return w.slice(0, -3) + 'ie';
  return applyRules(w, [['sses', 'ss', null], ['ies', 'i', null], ['ss', 'ss', null], ['s', '', null]]);
}

function step1b(w: string): string {
  if (w.endsWith('ied')) return w.slice(0, -3) + (w.length === 4 ? 'ie' : 'i');
  if (w.endsWith('eed')) {
    const stem = w.slice(0, -3);
    return measure(stem) > 0 ? stem + 'ee' : w;
  }
  let inter: string | undefined;
  for (const suffix of ['ed', 'ing']) {
    if (w.endsWith(suffix) && containsVowel(w.slice(0, -suffix.length))) {
      inter = w.slice(0, -suffix.length);
      break;
    }
  }
  if (inter === undefined) return w;
  const last = inter[inter.length - 1]!;
  return applyRules(inter, [
    ['at', 'ate', null],
    ['bl', 'ble', null],
    ['iz', 'ize', null],
    ['*d', last, () => !['l', 's', 'z'].includes(last)],
    ['', 'e', (stem) => measure(stem) === 1 && endsCvc(stem)],
  ]);
}

const step1c = (w: string) => applyRules(w, [['y', 'i', (stem) => stem.length > 1 && isConsonant(stem, stem.length - 1)]]);

function step2(w: string): string {
  if (w.endsWith('alli') && positive(w.slice(0, -4))) return step2(w.slice(0, -4) + 'al');
  const rules: Rule[] = [
    ['ational', 'ate', positive], ['tional', 'tion', positive], ['enci', 'ence', positive], ['anci', 'ance', positive],
    ['izer', 'ize', positive], ['bli', 'ble', positive], ['alli', 'al', positive], ['entli', 'ent', positive],
    ['eli', 'e', positive], ['ousli', 'ous', positive], ['ization', 'ize', positive], ['ation', 'ate', positive],
    ['ator', 'ate', positive], ['alism', 'al', positive], ['iveness', 'ive', positive], ['fulness', 'ful', positive],
    ['ousness', 'ous', positive], ['aliti', 'al', positive], ['iviti', 'ive', positive], ['biliti', 'ble', positive],
    ['fulli', 'ful', positive],
    ['logi', 'log', () => positive(w.slice(0, -3))],
  ];
  return applyRules(w, rules);
}

const step3 = (w: string) =>
  applyRules(w, [['icate', 'ic', positive], ['ative', '', positive], ['alize', 'al', positive], ['iciti', 'ic', positive], ['ical', 'ic', positive], ['ful', '', positive], ['ness', '', positive]]);

function step4(w: string): string {
  const gt1 = (stem: string) => measure(stem) > 1;
  const suffixes = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent'];
  const rules: Rule[] = suffixes.map((s) => [s, '', gt1] as Rule);
  rules.push(['ion', '', (stem) => measure(stem) > 1 && ['s', 't'].includes(stem[stem.length - 1]!)]);
  for (const s of ['ou', 'ism', 'ate', 'iti', 'ous', 'ive', 'ize']) rules.push([s, '', gt1]);
  return applyRules(w, rules);
}

function step5a(w: string): string {
  if (!w.endsWith('e')) return w;
  const stem = w.slice(0, -1);
  const m = measure(stem);
  return m > 1 || (m === 1 && !endsCvc(stem)) ? stem : w;
}

const step5b = (w: string) => applyRules(w, [['ll', 'l', () => measure(w.slice(0, -1)) > 1]]);

/** NLTK's `PorterStemmer().stem(word)` (lowercases first). */
export function porterStem(word: string): string {
  const w = word.toLowerCase();
  if (w in IRREGULAR) return IRREGULAR[w]!;
  if (word.length <= 2) return w;
  return step5b(step5a(step4(step3(step2(step1c(step1b(step1a(w))))))));
}
