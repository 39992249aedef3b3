// The data pipeline: source → tokenize and pack → split → shuffle buffer → batches, as an async
// iterable whose whole position (source offset, carry, shuffle buffer, RNG) is one plain-JSON state.
import { ConfigError, Rng, type RngState } from '@llmkit/core';
import { DataError } from './errors.js';
import type { Packer } from './packer.js';
import { START, type SourcePosition, type TextPiece, type TextSource } from './source.js';
import { isValidationDocument, isValidationItem, resolveSplit, type ResolvedSplit, type SplitOptions } from './split.js';

/** Options every pipeline takes. */
export interface PipelineOptions {
  source: TextSource;
  /** Items (rows or pairs) per batch. */
  batchSize: number;
  /** Train or validation part of the source; default: all of it. */
  split?: SplitOptions;
  /** Items held for shuffling (tf.data's `shuffle(bufferSize)`); 0 or 1 keeps corpus order (default 0). */
  shuffleBuffer?: number;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Passes over the source (default 1; `Infinity` never ends). Packing restarts with each pass. */
  epochs?: number;
  /** Drop a last batch smaller than batchSize (default true: every batch has one shape). */
  dropLast?: boolean;
}

/** Where a pipeline is: everything needed to continue with exactly the next batch. Plain JSON. */
export interface PipelineState {
  version: 1;
  /** The options that fix the batches; `setState` refuses a state saved under others. */
  config: Record<string, unknown>;
  epoch: number;
  /** Batches handed out so far. */
  batches: number;
  /** The piece being packed: where it starts, the carry it started with, and how many of its items were taken. */
  cursor: { position: SourcePosition; carry: unknown; taken: number };
  /** The shuffle buffer's items. */
  buffer: unknown;
  rng: RngState;
}

/** A packed item (row or pair) and a packer's carry, opaque to the pipeline. */
type Item = unknown;
type Carry = unknown;

interface Cursor {
  position: SourcePosition;
  carry: Carry;
  taken: number;
}

/**
 * An async iterable of batches. Iterating again continues where the last iteration stopped;
 * `reset()` starts over, `getState()`/`setState()` save and restore the position exactly: a pipeline
 * given a saved state yields the batches an uninterrupted one would have yielded next.
 */
export class DataPipeline<Batch> implements AsyncIterable<Batch> {
  readonly batchSize: number;
  readonly epochs: number;
  readonly shuffleBuffer: number;
  readonly seed: number;
  readonly dropLast: boolean;
  private readonly split: ResolvedSplit | undefined;
  private readonly source: TextSource;

  private epoch = 0;
  private batches = 0;
  private cursor: Cursor;
  private buffer: Item[] = [];
  private rng: Rng;
  /** The current piece packed, while the cursor stays on it. */
  private packed: { position: SourcePosition; items: Item[]; carry: Carry } | undefined;
  /** Bumped by reset/setState: an iteration started before stops. */
  private generation = 0;

  constructor(
    private readonly where: string,
    options: PipelineOptions,
    private readonly packer: Packer<unknown, unknown, Batch>,
  ) {
    if (typeof options.source?.read !== 'function') throw new ConfigError(`${where}: 'source' must be a TextSource (textFiles, jsonlFiles, parquetFiles), got ${typeof options.source}`);
    this.source = options.source;
    this.batchSize = checkCount(where, 'batchSize', options.batchSize, 1);
    this.shuffleBuffer = checkCount(where, 'shuffleBuffer', options.shuffleBuffer ?? 0, 0);
    this.seed = options.seed ?? 0;
    if (!Number.isSafeInteger(this.seed)) throw new ConfigError(`${where}: 'seed' must be an integer, got ${this.seed}`);
    this.epochs = options.epochs ?? 1;
    if (!(this.epochs === Infinity || (Number.isSafeInteger(this.epochs) && this.epochs >= 1))) {
      throw new ConfigError(`${where}: 'epochs' must be a positive integer or Infinity, got ${this.epochs}`);
    }
    this.dropLast = options.dropLast ?? true;
    this.split = resolveSplit(where, options.split);
    this.cursor = this.startCursor();
    this.rng = new Rng(this.seed).fork('shuffle');
  }

  /** Batches handed out since the start (or the state restored). */
  get batchesYielded(): number {
    return this.batches;
  }

  /** What the pipeline reads, for messages: `packedBlocks (validation): text (document): "input.txt"`. */
  describe(): string {
    return `${this.where}${this.split ? ` (${this.split.part})` : ''}: ${this.source.describe()}`;
  }

  /** Back to the first batch of the first epoch (evaluation rewinds a validation pipeline with it). */
  reset(): void {
    this.generation++;
    this.epoch = 0;
    this.batches = 0;
    this.cursor = this.startCursor();
    this.buffer = [];
    this.rng = new Rng(this.seed).fork('shuffle');
    this.packed = undefined;
  }

  getState(): PipelineState {
    return {
      version: 1,
      config: this.config(),
      epoch: this.epoch,
      batches: this.batches,
      cursor: { position: { ...this.cursor.position }, carry: this.packer.saveCarry(this.cursor.carry), taken: this.cursor.taken },
      buffer: this.packer.saveItems(this.buffer),
      rng: this.rng.getState(),
    };
  }

  /** @throws ConfigError if the state is not a pipeline state or was saved under other options. */
  setState(state: unknown): void {
    const s = state as PipelineState;
    if (typeof s !== 'object' || s === null || s.version !== 1) {
      throw new ConfigError(`${this.where}.setState: expected a state from getState() (version 1), got ${s === null ? 'null' : typeof s === 'object' ? `version ${String(s.version)}` : typeof s}`);
    }
    const expected = this.config();
    for (const key of new Set([...Object.keys(expected), ...Object.keys(s.config ?? {})])) {
      const want = JSON.stringify(expected[key]);
      const got = JSON.stringify(s.config?.[key]);
      if (want !== got) throw new ConfigError(`${this.where}.setState: the state was saved with '${key}' = ${got}, this pipeline has ${want}`);
    }
    this.generation++;
    this.epoch = s.epoch;
    this.batches = s.batches;
    this.cursor = { position: { ...s.cursor.position }, carry: this.packer.loadCarry(s.cursor.carry), taken: s.cursor.taken };
    this.buffer = this.packer.loadItems(s.buffer);
    this.rng = new Rng(this.seed);
    this.rng.setState(s.rng);
    this.packed = undefined;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Batch> {
    const generation = this.generation;
    const items = this.items(generation);
    try {
      for (;;) {
        const batch: Item[] = [];
        while (batch.length < this.batchSize) {
          const item = await this.nextShuffled(items);
          if (item === undefined) break;
          batch.push(item);
        }
        if (generation !== this.generation) return;
        if (batch.length === 0 || (batch.length < this.batchSize && this.dropLast)) return;
        this.batches++;
        yield this.packer.collate(batch);
      }
    } finally {
      await items.return(undefined);
    }
  }

  private config(): Record<string, unknown> {
    return {
      source: this.source.describe(),
      ...this.packer.config(),
      batchSize: this.batchSize,
      shuffleBuffer: this.shuffleBuffer,
      seed: this.seed,
      split: this.split ?? null,
      dropLast: this.dropLast,
    };
  }

  private startCursor(): Cursor {
    return { position: START, carry: this.packer.initialCarry(), taken: 0 };
  }

  /** The next item from the shuffle buffer, refilled to `shuffleBuffer` items first. */
  private async nextShuffled(items: AsyncGenerator<Item>): Promise<Item | undefined> {
    if (this.shuffleBuffer <= 1) {
      const r = await items.next();
      return r.done ? undefined : r.value;
    }
    while (this.buffer.length < this.shuffleBuffer) {
      const r = await items.next();
      if (r.done) break;
      this.buffer.push(r.value);
    }
    if (this.buffer.length === 0) return undefined;
    const j = this.rng.nextInt(this.buffer.length);
    const item = this.buffer[j]!;
    this.buffer[j] = this.buffer[this.buffer.length - 1]!;
    this.buffer.pop();
    return item;
  }

  /** Items of the chosen split in corpus order, across epochs, advancing the cursor as they are taken. */
  private async *items(generation: number): AsyncGenerator<Item> {
    while (this.epoch < this.epochs && generation === this.generation) {
      const fromStart = this.cursor.position === START && this.cursor.taken === 0;
      let yielded = 0;
      const reader = this.source.read(this.cursor.position)[Symbol.asyncIterator]();
      try {
        let next = await reader.next();
        while (!next.done) {
          const piece = next.value;
          if (this.packed === undefined || !samePosition(this.packed.position, piece.position)) {
            // Entering a piece: the cursor moves onto it (it already is there when resuming).
            if (!samePosition(this.cursor.position, piece.position)) this.cursor = { position: piece.position, carry: this.cursor.carry, taken: 0 };
            this.packed = { position: piece.position, ...this.pack(piece, this.cursor.carry) };
          }
          const { items, carry } = this.packed;
          const first = this.packer.itemIndex(this.cursor.carry);
          while (this.cursor.taken < items.length) {
            const index = first + this.cursor.taken;
            const item = items[this.cursor.taken++]!;
            if (this.split?.by === 'block' && isValidationItem(index, this.split.fraction) !== (this.split.part === 'validation')) continue;
            yielded++;
            yield this.packer.detach(item);
            if (generation !== this.generation) return;
          }
          next = await reader.next();
          // The piece is done: the next one starts from its carry.
          if (!next.done) this.cursor = { position: next.value.position, carry, taken: 0 };
        }
      } finally {
        await reader.return?.(undefined);
      }
      if (fromStart && yielded === 0) {
        throw new DataError(`${this.where}: a whole pass over ${this.source.describe()} gave no ${this.split ? `${this.split.part} ` : ''}items (is the corpus shorter than one block?)`);
      }
      this.epoch++;
      this.cursor = this.startCursor();
      this.packed = undefined;
    }
  }

  /** Packs a piece, or passes it over (carry unchanged) when the document split puts its document in the other part. */
  private pack(piece: TextPiece, carry: Carry): { items: Item[]; carry: Carry } {
    if (this.split?.by === 'document' && isValidationDocument(piece.key, this.split.fraction) !== (this.split.part === 'validation')) {
      return { items: [], carry };
    }
    return this.packer.pack(piece, carry);
  }
}

function samePosition(a: SourcePosition, b: SourcePosition): boolean {
  return a.file === b.file && a.offset === b.offset && a.record === b.record;
}

function checkCount(where: string, key: string, v: unknown, min: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < min) throw new ConfigError(`${where}: '${key}' must be an integer >= ${min}, got ${String(v)}`);
  return v as number;
}
