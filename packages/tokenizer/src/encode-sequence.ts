// Runs one input text through added-token matching, normalizer, pre-tokenizer and model, appending
// tokens with offsets into the original text.
import type { AddedVocabulary } from './added-vocabulary.js';
import { BPE } from './models/bpe.js';
import type { Model } from './models/model.js';
import { TokenList } from './models/token-list.js';
import { originalEnd, originalStart, type NormalizedText } from './normalizers/normalized-text.js';
import type { Normalizer } from './normalizers/normalizer.js';
import type { PreTokenizer } from './pre-tokenizers/pre-tokenizer.js';
import { Spans } from './pre-tokenizers/spans.js';
import { BYTE_TO_CHAR } from './unicode/byte-level-alphabet.js';

/** The stages that turn text into tokens. */
export interface Pipeline {
  readonly normalizer: Normalizer | null;
  readonly preTokenizer: PreTokenizer | null;
  readonly model: Model;
  readonly added: AddedVocabulary;
}

const spans = new Spans();

/** Appends the tokens of `text` to `out`; offsets are UTF-16 [start, end) in `text`. */
export function encodeSequence(p: Pipeline, text: string, out: TokenList): void {
  if (p.added.size === 0) {
    encodeGap(p, text, 0, text.length, out);
    return;
  }
  let pos = 0;
  for (const m of p.added.find(text, false)) {
    if (m.start > pos) encodeGap(p, text, pos, m.start, out);
    out.push(m.id, m.start, m.end);
    pos = m.end;
  }
  if (pos < text.length) encodeGap(p, text, pos, text.length, out);
}

function encodeGap(p: Pipeline, text: string, start: number, end: number, out: TokenList): void {
  if (start >= end) return;
  const sub = start === 0 && end === text.length ? text : text.slice(start, end);
  const norm: NormalizedText = p.normalizer ? p.normalizer.normalize({ text: sub, align: null }) : { text: sub, align: null };
  const matches = p.added.size > 0 ? p.added.find(norm.text, true) : [];
  let pos = 0;
  for (const m of matches) {
    if (m.start > pos) encodeRange(p, norm, pos, m.start, start, out);
    out.push(m.id, start + toOriginalStart(norm, m.start), start + toOriginalEnd(norm, m.end));
    pos = m.end;
  }
  if (pos < norm.text.length) encodeRange(p, norm, pos, norm.text.length, start, out);
}

/** Pre-tokenizes and tokenizes norm.text[a, b); `base` is where the normalized text starts in the input. */
function encodeRange(p: Pipeline, norm: NormalizedText, a: number, b: number, base: number, out: TokenList): void {
  const first = out.length;
  const pre = p.preTokenizer;
  let text = norm.text;
  let s = a;
  let e = b;
  let prefixLength = 0;
  if (pre !== null) {
    const prefix = pre.prefix(a === 0 && b === text.length ? text : text.slice(a, b));
    if (prefix.length > 0) {
      text = prefix + text.slice(a, b);
      prefixLength = prefix.length;
      s = 0;
      e = text.length;
    }
  }
  spans.clear();
  if (pre !== null) pre.split(text, s, e, spans);
  else spans.push(s, e);

  const model = p.model;
  if (pre !== null && pre.byteLevel) {
    if (model instanceof BPE && model.supportsBytes) {
      for (let i = 0; i < spans.length; i++) model.tokenizeBytes(text, spans.start(i), spans.end(i), out);
    } else {
      for (let i = 0; i < spans.length; i++) tokenizeByteLevelWord(model, text, spans.start(i), spans.end(i), out);
    }
  } else {
    for (let i = 0; i < spans.length; i++) {
      const ss = spans.start(i);
      const se = spans.end(i);
      model.tokenize(ss === 0 && se === text.length ? text : text.slice(ss, se), ss, out);
    }
  }

  if (norm.align === null && prefixLength === 0 && base === 0) return;
  // Local positions → normalized positions → input positions.
  for (let i = first; i < out.length; i++) {
    const ls = out.starts[i]!;
    const le = out.ends[i]!;
    const ns = prefixLength > 0 ? (ls < prefixLength ? a : a + ls - prefixLength) : ls;
    const ne = prefixLength > 0 ? (le <= prefixLength ? a : a + le - prefixLength) : le;
    const os = toOriginalStart(norm, ns);
    out.starts[i] = base + os;
    out.ends[i] = base + (ne <= ns ? os : toOriginalEnd(norm, ne));
  }
}

function toOriginalStart(norm: NormalizedText, i: number): number {
  if (norm.align === null) return i;
  if (i < norm.text.length) return originalStart(norm, i);
  return norm.text.length === 0 ? 0 : originalEnd(norm, norm.text.length - 1);
}

function toOriginalEnd(norm: NormalizedText, i: number): number {
  if (norm.align === null) return i;
  return i === 0 ? (norm.text.length === 0 ? 0 : originalStart(norm, 0)) : originalEnd(norm, i - 1);
}

/** Byte-level pieces for models without the byte fast path: spell the bytes, map offsets back. */
function tokenizeByteLevelWord(model: Model, text: string, start: number, end: number, out: TokenList): void {
  const piece = text.slice(start, end);
  const bytes = new TextEncoder().encode(piece);
  // The UTF-16 span (relative to the piece) of the character that holds each byte.
  const charStart = new Int32Array(bytes.length);
  const charEnd = new Int32Array(bytes.length);
  let k = 0;
  for (let i = 0; i < piece.length; ) {
    const c = piece.charCodeAt(i);
    const pair = (c & 0xfc00) === 0xd800 && i + 1 < piece.length && (piece.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    const size = pair ? 2 : 1;
    const n = pair ? 4 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    for (let j = 0; j < n; j++, k++) {
      charStart[k] = i;
      charEnd[k] = i + size;
    }
    i += size;
  }
  let word = '';
  for (const b of bytes) word += BYTE_TO_CHAR[b];
  const local = new TokenList();
  model.tokenize(word, 0, local);
  for (let i = 0; i < local.length; i++) {
    const ls = local.starts[i]!;
    const le = local.ends[i]!;
    out.push(local.ids[i]!, start + charStart[ls]!, start + (le > ls ? charEnd[le - 1]! : charStart[ls]!));
  }
}
