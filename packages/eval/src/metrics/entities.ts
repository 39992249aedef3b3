// Entity-level precision, recall and F1 for token classification, with seqeval's default
// (conlleval-compatible) semantics: chunks are read from IOB1/IOB2/IOE/IOBES tags alike, an I- after
// O or after another type opens a chunk, sentences are joined with an 'O' between them, and an
// entity counts only when its type, start and end all match.
import { ConfigError, ShapeError } from '@llmkit/core';
import { strictEntities, type TaggingScheme } from './strict-entities.js';

/** One entity: its type and the first and last token index in the joined sequence. */
export interface Entity {
  type: string;
  start: number;
  end: number;
}

export interface EntityOptions {
  /** Tags end with the chunk tag ('PER-B') instead of starting with it (default false). */
  suffix?: boolean;
}

function endOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (prevTag === 'E' || prevTag === 'S') return true;
  if ((prevTag === 'B' || prevTag === 'I') && (tag === 'B' || tag === 'S' || tag === 'O')) return true;
  return prevTag !== 'O' && prevTag !== '.' && prevType !== type;
}

function startOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (tag === 'B' || tag === 'S') return true;
  if ((prevTag === 'E' || prevTag === 'S' || prevTag === 'O') && (tag === 'E' || tag === 'I')) return true;
  return tag !== 'O' && tag !== '.' && prevType !== type;
}

/** seqeval's `get_entities` over one sequence or a list of sentences (joined with 'O'). */
export function getEntities(tags: readonly string[] | readonly (readonly string[])[], options: EntityOptions = {}): Entity[] {
  const seq: string[] = [];
  if (tags.some((t) => Array.isArray(t))) for (const s of tags as string[][]) seq.push(...s, 'O');
  else seq.push(...(tags as string[]));
  seq.push('O');
  const chunks: Entity[] = [];
  let prevTag = 'O';
  let prevType = '';
  let begin = 0;
  seq.forEach((chunk, i) => {
    if (typeof chunk !== 'string' || chunk.length === 0) throw new ConfigError(`getEntities: tag ${i} must be a non-empty string; got ${JSON.stringify(chunk)}`);
    let tag: string;
    let type: string;
    // Python slices index code points; tags are ASCII in practice, but keep the rule exact.
    const cs = Array.from(chunk);
    if (options.suffix) {
      tag = cs[cs.length - 1]!;
      const head = cs.slice(0, -1).join('');
      const cut = head.lastIndexOf('-');
      type = (cut === -1 ? head : head.slice(0, cut)) || '_';
    } else {
      tag = cs[0]!;
      const tail = cs.slice(1).join('');
      const cut = tail.indexOf('-');
      type = (cut === -1 ? tail : tail.slice(cut + 1)) || '_';
    }
    if (endOfChunk(prevTag, tag, prevType, type)) chunks.push({ type: prevType, start: begin, end: i - 1 });
    if (startOfChunk(prevTag, tag, prevType, type)) begin = i;
    prevTag = tag;
    prevType = type;
  });
  return chunks;
}

export interface EntityScoreOptions extends EntityOptions {
  /** 'micro' (default), 'macro', 'weighted', or null for per-type values. */
  average?: 'micro' | 'macro' | 'weighted' | null;
  /** Value of a ratio with a zero denominator: 0 (default, seqeval's 'warn') or 1. */
  zeroDivision?: 0 | 1;
  /**
   * seqeval's mode='strict' with this scheme: only entities whose tags follow the scheme count
   * (end exclusive, per sentence). Default: the default (conlleval) mode.
   */
  strict?: TaggingScheme;
}

export interface EntityScores {
  precision: number;
  recall: number;
  f1: number;
  /** Entities in the references. */
  support: number;
  /** Per entity type (sorted), always present. */
  perType: Record<string, { precision: number; recall: number; f1: number; support: number }>;
}

/**
 * Entity-level precision, recall and F1 (seqeval `precision_recall_fscore_support`, default mode).
 * `yTrue[i]` and `yPred[i]` are the tags of sentence i.
 */
export function entityScores(yTrue: readonly (readonly string[])[], yPred: readonly (readonly string[])[], options: EntityScoreOptions = {}): EntityScores {
  if (!Array.isArray(yTrue) || !Array.isArray(yPred) || !yTrue.every(Array.isArray) || !yPred.every(Array.isArray)) {
    throw new ConfigError(`entityScores: 'yTrue' and 'yPred' must be arrays of sentences (arrays of tags)`);
  }
  if (yTrue.length !== yPred.length) throw new ShapeError(`entityScores: 'yTrue' and 'yPred' must have the same number of sentences; got ${yTrue.length} and ${yPred.length}`);
  yTrue.forEach((s, i) => {
    if (s.length !== yPred[i]!.length) throw new ShapeError(`entityScores: sentence ${i} has ${s.length} true tags and ${yPred[i]!.length} predicted`);
  });
  const average = options.average === undefined ? 'micro' : options.average;
  if (![null, 'micro', 'macro', 'weighted'].includes(average)) throw new ConfigError(`entityScores: 'average' must be 'micro', 'macro', 'weighted' or null; got ${String(average)}`);
  const zero = options.zeroDivision ?? 0;
  if (zero !== 0 && zero !== 1) throw new ConfigError(`entityScores: 'zeroDivision' must be 0 or 1; got ${String(zero)}`);
  const group = (es: Entity[]) => {
    const m = new Map<string, Set<string>>();
    for (const e of es) {
      if (!m.has(e.type)) m.set(e.type, new Set());
      m.get(e.type)!.add(`${e.start}:${e.end}`);
    }
    return m;
  };
  // Strict entities are [start, end) within a sentence; default ones [start, end] in the joined sequence.
  const extract = (ys: readonly (readonly string[])[]): Entity[] =>
    options.strict ? strictEntities(ys, options.strict, options.suffix).map((e) => ({ type: e.type, start: e.sentence * 1e9 + e.start, end: e.sentence * 1e9 + e.end })) : getEntities(ys, options);
  const trueByType = group(extract(yTrue));
  const predByType = group(extract(yPred));
  const types = [...new Set([...trueByType.keys(), ...predByType.keys()])].sort();
  const tp: number[] = [];
  const pred: number[] = [];
  const tru: number[] = [];
  for (const t of types) {
    const ts = trueByType.get(t) ?? new Set<string>();
    const ps = predByType.get(t) ?? new Set<string>();
    let hit = 0;
    for (const p of ps) if (ts.has(p)) hit++;
    tp.push(hit);
    pred.push(ps.size);
    tru.push(ts.size);
  }
  const div = (a: number, b: number) => (b === 0 ? zero : a / b);
  const prf = (t: number, p: number, r: number) => {
    const precision = div(t, p);
    const recall = div(t, r);
    // seqeval takes F from precision and recall (not from the counts as scikit-learn does).
    const denom = precision + recall;
    return { precision, recall, f1: denom === 0 ? 0 : (2 * precision * recall) / denom };
  };
  const per = types.map((_, i) => prf(tp[i]!, pred[i]!, tru[i]!));
  const perType = Object.fromEntries(types.map((t, i) => [t, { ...per[i]!, support: tru[i]! }]));
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const support = sum(tru);
  if (average === 'micro' || average === null) return { ...prf(sum(tp), sum(pred), support), support, perType };
  if (average === 'weighted' && support === 0) {
    // seqeval's special case: no true entities at all.
    const none = sum(pred) === 0;
    return { precision: none ? zero : 0, recall: zero, f1: none ? zero : 0, support, perType };
  }
  if (per.length === 0) return { precision: zero, recall: zero, f1: zero, support, perType };
  const w = average === 'weighted' ? tru : types.map(() => 1);
  const total = sum(w);
  const avg = (k: 'precision' | 'recall' | 'f1') => per.reduce((s, v, i) => s + v[k] * w[i]!, 0) / total;
  return { precision: avg('precision'), recall: avg('recall'), f1: avg('f1'), support, perType };
}
