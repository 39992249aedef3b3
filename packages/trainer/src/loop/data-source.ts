// What the loop reads: an (async) iterable of batches, optionally resumable, and the conversion of
// the data pipeline's row batches ({ inputIds, shape: [B, T], ... }) into objectives' TokenBatch.
import { ConfigError } from '@llmkit/core';

/** A batch of token rows as the data pipeline yields it: row-major arrays of `shape` [B, T]. */
export interface RowBatch {
  inputIds: ArrayLike<number>;
  shape: readonly [number, number];
  attentionMask?: ArrayLike<number>;
  tokenTypeIds?: ArrayLike<number>;
  specialTokensMask?: ArrayLike<number>;
  wordIds?: ArrayLike<number>;
}

/** A data source whose position a checkpoint saves: `getState()` after the last batch yielded. */
export interface Resumable {
  getState(): unknown;
  /** Called before iteration starts, with a state from `getState()`. */
  setState(state: unknown): void;
}

/** Batches for training: any (async) iterable; when it is also {@link Resumable}, resume continues it exactly. */
export type DataSource<B = unknown> = (AsyncIterable<B> | Iterable<B>) & Partial<Resumable>;

/** Batches for evaluation, iterated afresh at every evaluation (or a function returning them). */
export type EvalSource<B = unknown> = AsyncIterable<B> | Iterable<B> | (() => AsyncIterable<B> | Iterable<B>);

export function isResumable(value: unknown): value is Resumable {
  const v = value as Partial<Resumable> | null;
  return typeof v === 'object' && v !== null && typeof v.getState === 'function' && typeof v.setState === 'function';
}

/** An async iterator over a sync or async iterable. */
export function iteratorOf<B>(where: string, source: AsyncIterable<B> | Iterable<B>): AsyncIterator<B> | Iterator<B> {
  const s = source as Partial<AsyncIterable<B> & Iterable<B>> | null;
  if (s && typeof s[Symbol.asyncIterator] === 'function') return s[Symbol.asyncIterator]!();
  if (s && typeof s[Symbol.iterator] === 'function') return s[Symbol.iterator]!();
  throw new ConfigError(`${where}: expected an iterable or async iterable of batches, got ${s === null ? 'null' : typeof s}`);
}

function isRowBatch(batch: unknown): batch is RowBatch {
  const b = batch as Partial<RowBatch> | null;
  return typeof b === 'object' && b !== null && Array.isArray(b.shape) && b.inputIds !== undefined;
}

/**
 * The batch an objective's `prepare` takes: a {@link RowBatch} becomes a `TokenBatch`
 * (`{ batchSize, length, inputIds, ... }`); anything else (a TokenBatch, `{ pairs }`) passes as is.
 */
export function toObjectiveBatch(batch: unknown): unknown {
  if (!isRowBatch(batch)) return batch;
  const [batchSize, length] = batch.shape;
  const { shape: _shape, ...rest } = batch;
  return { ...rest, batchSize, length };
}
