// What the loop reads: an (async) iterable of the batches its objective takes (`TokenBatch` rows
// for CausalLM/MaskedLM, `{ pairs }` for SentenceOrder/NextSentence, both @llmkit/objectives'
// types), optionally resumable; and evaluation batches, rewound before every pass.
import { ConfigError } from '@llmkit/core';

/** A data source whose position a checkpoint saves: `getState()` after the last batch yielded. */
export interface Resumable {
  getState(): unknown;
  /** Called before iteration starts, with a state from `getState()`. */
  setState(state: unknown): void;
}

/** Batches for training: any (async) iterable; when it is also {@link Resumable}, resume continues it exactly. */
export type DataSource<B = unknown> = (AsyncIterable<B> | Iterable<B>) & Partial<Resumable>;

/**
 * Batches for evaluation. Every evaluation must see the same batches, so each pass starts from the
 * beginning: a function is called for a fresh iterable, a source with `reset()` (a `DataPipeline`)
 * is rewound, any other iterable (an array) is iterated afresh. A one-shot iterator (a generator
 * object) cannot be rewound and is rejected.
 */
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

/** True for an iterator that is its own iterable (a generator object): it can be read once only. */
function isOneShot(source: object): boolean {
  const s = source as { next?: unknown; [Symbol.asyncIterator]?: () => unknown; [Symbol.iterator]?: () => unknown };
  if (typeof s.next !== 'function') return false;
  const own = typeof s[Symbol.asyncIterator] === 'function' ? s[Symbol.asyncIterator]!() : typeof s[Symbol.iterator] === 'function' ? s[Symbol.iterator]!() : undefined;
  return own === source;
}

/** @throws ConfigError when `source` cannot give the same batches at every evaluation (a generator object). */
export function checkEvalSource(where: string, source: unknown): void {
  if (typeof source === 'function') return;
  if (typeof source !== 'object' || source === null) {
    throw new ConfigError(`${where}: expected an iterable of batches, a DataPipeline or a function returning batches, got ${source === null ? 'null' : typeof source}`);
  }
  if (isOneShot(source)) {
    throw new ConfigError(`${where}: a generator can be read once, but every evaluation reads the batches again; pass an array, a DataPipeline or () => batches`);
  }
}

/** A description of an evaluation source for error messages (`validation: text (document): "a.txt"`). */
export function describeEvalSource(source: unknown): string {
  if (typeof source === 'function') return `the batches of ${source.name ? `${source.name}()` : 'a function'}`;
  const described = (source as { describe?: () => string } | null)?.describe;
  if (typeof described === 'function') return described.call(source);
  if (Array.isArray(source)) return `an array of ${source.length} batches`;
  return (source as object | null)?.constructor?.name ?? typeof source;
}

/**
 * The batches of one evaluation pass, from the beginning: the function's result, or `source`
 * rewound with its `reset()` (a DataPipeline continues where it stopped otherwise). A generator
 * passes (one `evaluate` call may read it); the Trainer, which reads its evalData again and again,
 * rejects one with {@link checkEvalSource}.
 */
export function evalPass<B>(where: string, data: EvalSource<B>): { source: AsyncIterable<B> | Iterable<B>; iterator: AsyncIterator<B> | Iterator<B> } {
  const source = typeof data === 'function' ? data() : data;
  const rewind = (source as { reset?: unknown } | null)?.reset;
  if (typeof rewind === 'function') rewind.call(source);
  return { source, iterator: iteratorOf(where, source) };
}
