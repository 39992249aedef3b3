// Segment pairs for sentence order (ALBERT) and next sentence (BERT) prediction, after BERT's
// create_instances_from_document: a document's sentences (its lines) are gathered until they reach
// a target length, then cut at a random sentence boundary into segments A and B.
import type { SentencePairBatch } from '@llmkit/objectives';
import { ConfigError, Rng } from '@llmkit/core';
import { packArrays, unpackArrays } from './codec.js';
import type { Packed, Packer } from './packer.js';
import type { TextPiece } from './source.js';

/** Options of the pair packer (see {@link segmentPairs}). */
export interface PairPackOptions {
  /** The objective's row length, `[CLS] A [SEP] B [SEP]` included: A and B together aim at `maxLength - 3` tokens. */
  maxLength: number;
  /** Share of pairs aiming at a random shorter length in [2, maxLength - 3], as BERT (default 0.1). */
  shortSeqProbability?: number;
  /** Seed of the cut points and short lengths (default 0); pairs depend on it and on the document only. */
  seed?: number;
}

/** One pair of the batch: two segments of one document, as the objectives' `SegmentPair`. */
export interface PairItem {
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly document: number;
}

interface PairCarry {
  /** Documents finished this epoch: the index of the current one. */
  document: number;
  /** Pairs cut from the current document so far. */
  pairInDocument: number;
  /** Sentences gathered for the next pair. */
  sentences: Int32Array[];
  /** Pairs produced so far this epoch. */
  count: number;
}

export class PairPacker implements Packer<PairItem, PairCarry, SentencePairBatch> {
  readonly maxLength: number;
  readonly shortSeqProbability: number;
  readonly seed: number;
  private readonly rng: Rng;

  constructor(
    options: PairPackOptions,
    private readonly encode: (text: string) => Int32Array,
  ) {
    if (!Number.isSafeInteger(options.maxLength) || options.maxLength < 5) {
      throw new ConfigError(`segmentPairs: 'maxLength' must be an integer >= 5 (3 special tokens and one of each segment), got ${String(options.maxLength)}`);
    }
    this.maxLength = options.maxLength;
    this.shortSeqProbability = options.shortSeqProbability ?? 0.1;
    if (!(this.shortSeqProbability >= 0 && this.shortSeqProbability <= 1)) {
      throw new ConfigError(`segmentPairs: 'shortSeqProbability' must be in [0, 1], got ${this.shortSeqProbability}`);
    }
    this.seed = options.seed ?? 0;
    this.rng = new Rng(this.seed).fork('segment-pairs');
  }

  initialCarry(): PairCarry {
    return { document: 0, pairInDocument: 0, sentences: [], count: 0 };
  }

  itemIndex(carry: PairCarry): number {
    return carry.count;
  }

  /** The random stream of one pair: fixed by the seed, the document and the pair's place in it. */
  private pairRng(carry: PairCarry): Rng {
    return this.rng.fork(`${carry.document}:${carry.pairInDocument}`);
  }

  /** Tokens the pair being gathered aims at: `maxLength - 3`, or with shortSeqProbability a random shorter length. */
  private target(carry: PairCarry): number {
    const full = this.maxLength - 3;
    const rng = this.pairRng(carry);
    return rng.nextFloat() < this.shortSeqProbability ? 2 + rng.nextInt(full - 1) : full;
  }

  pack(piece: TextPiece, carry: PairCarry): Packed<PairItem, PairCarry> {
    const c: PairCarry = { ...carry, sentences: [...carry.sentences] };
    const items: PairItem[] = [];
    let target = this.target(c);
    let gathered = c.sentences.reduce((n, s) => n + s.length, 0);
    for (const line of piece.text.split('\n')) {
      if (line.trim() === '') continue;
      const ids = this.encode(line);
      if (ids.length === 0) continue;
      c.sentences.push(ids);
      gathered += ids.length;
      if (gathered >= target) {
        this.cut(c, items);
        target = this.target(c);
        gathered = 0;
      }
    }
    if (piece.last) {
      if (c.sentences.length > 0) this.cut(c, items);
      c.document++;
      c.pairInDocument = 0;
    }
    return { items, carry: c };
  }

  /** Cuts the gathered sentences into A and B at a random sentence boundary (inside the one sentence if alone). */
  private cut(c: PairCarry, items: PairItem[]): void {
    const rng = this.pairRng(c);
    rng.nextFloat(); // the draw target() made
    const sentences = c.sentences;
    c.sentences = [];
    c.pairInDocument++;
    const flat = concat(sentences);
    let split: number;
    if (sentences.length >= 2) {
      const boundary = 1 + rng.nextInt(sentences.length - 1);
      split = sentences.slice(0, boundary).reduce((n, s) => n + s.length, 0);
    } else if (flat.length >= 2) {
      split = 1 + rng.nextInt(flat.length - 1);
    } else {
      return; // one token cannot make two segments
    }
    // The objective keeps the tokens next to the junction (the end of A, the start of B) when it
    // cuts to maxLength, so more than that is never needed: memory stays bounded on huge lines.
    const keep = this.maxLength - 3;
    const a = flat.slice(Math.max(0, split - keep), split);
    const b = flat.slice(split, Math.min(flat.length, split + keep));
    c.count++;
    items.push({ a, b, document: c.document });
  }

  detach(item: PairItem): PairItem {
    return item;
  }

  /** The `{ pairs }` that SentenceOrder and NextSentence take (the objectives' `SentencePairBatch`). */
  collate(items: PairItem[]): SentencePairBatch {
    return { pairs: items };
  }

  saveCarry(carry: PairCarry): unknown {
    return { document: carry.document, pairInDocument: carry.pairInDocument, count: carry.count, sentences: packArrays(carry.sentences) };
  }

  loadCarry(state: unknown): PairCarry {
    const s = state as { document: number; pairInDocument: number; count: number; sentences: { lengths: number[]; data: string } };
    return { document: s.document, pairInDocument: s.pairInDocument, count: s.count, sentences: unpackArrays(s.sentences) };
  }

  saveItems(items: readonly PairItem[]): unknown {
    return { documents: items.map((p) => p.document), segments: packArrays(items.flatMap((p) => [p.a, p.b])) };
  }

  loadItems(state: unknown): PairItem[] {
    const s = state as { documents: number[]; segments: { lengths: number[]; data: string } };
    const segments = unpackArrays(s.segments);
    return s.documents.map((document, i) => ({ a: segments[2 * i]!, b: segments[2 * i + 1]!, document }));
  }

  config(): Record<string, unknown> {
    return { kind: 'pairs', maxLength: this.maxLength, shortSeqProbability: this.shortSeqProbability, seed: this.seed };
  }
}

function concat(arrays: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}
