// The padded batch of token rows that the token-level objectives take: the shape of the tokenizer's
// `encodeBatch(texts, { padding: true, returnSpecialTokensMask: true })`, without depending on it,
// and the one shape the trainer's data pipelines (packedBlocks) yield: no other token-row type exists.
import { ConfigError, ShapeError } from '@llmkit/core';
import { checkInteger, describe } from './checks.js';
import type { HostTensor, Prepared } from './objective.js';

/** `batchSize` rows of `length` tokens, every per-token array row-major `[batchSize, length]`. */
export interface TokenBatch {
  readonly batchSize: number;
  /** The common row length; `null` (a ragged batch) is rejected: pad it first. */
  readonly length: number | null;
  readonly inputIds: ArrayLike<number>;
  /** 1 = a real token, 0 = padding. Default: all 1. */
  readonly attentionMask?: ArrayLike<number>;
  /** Segment of each token (0 = A, 1 = B); passed to the model when present. */
  readonly tokenTypeIds?: ArrayLike<number>;
  /** 1 where a token is special ([CLS], [SEP], …) or padding: never masked. */
  readonly specialTokensMask?: ArrayLike<number>;
  /** Word index of each token, negative for none; tokens of one word share it (whole-word masking). */
  readonly wordIds?: ArrayLike<number>;
}

/** A validated {@link TokenBatch} with every field present. */
export interface TokenRows {
  batchSize: number;
  length: number;
  inputIds: ArrayLike<number>;
  attentionMask: ArrayLike<number> | undefined;
  tokenTypeIds: ArrayLike<number> | undefined;
  specialTokensMask: ArrayLike<number> | undefined;
  wordIds: ArrayLike<number> | undefined;
}

function checkArray(where: string, field: string, value: unknown, size: number, rows: TokenRows, required: boolean): ArrayLike<number> | undefined {
  if (value === undefined && !required) return undefined;
  if (!(ArrayBuffer.isView(value) || Array.isArray(value))) {
    throw new ConfigError(`${where}: 'batch.${field}' must be a typed array or an array of numbers, got ${describe(value)}`);
  }
  const arr = value as ArrayLike<number>;
  if (arr.length !== size) {
    throw new ShapeError(
      `${where}: 'batch.${field}' must hold batchSize × length = ${rows.batchSize} × ${rows.length} = ${size} values, got ${arr.length}`,
    );
  }
  return arr;
}

/** Checks a batch's sizes and arrays; names the field and expected vs got on error. */
export function readTokenBatch(where: string, batch: TokenBatch): TokenRows {
  if (typeof batch !== 'object' || batch === null || Array.isArray(batch)) {
    throw new ConfigError(`${where}: 'batch' must be a TokenBatch { batchSize, length, inputIds, … }, got ${describe(batch)}`);
  }
  if ('pairs' in batch && !('inputIds' in batch)) {
    // The common mix-up: segment pairs (for SentenceOrder/NextSentence) given to a token objective.
    throw new ConfigError(
      `${where}: 'batch' is segment pairs { pairs }, but this objective takes token rows { batchSize, length, inputIds }: ` +
        `build them with packedBlocks(...) (@llmkit/trainer) or tokenizer.encodeBatch(texts, { padding: true })`,
    );
  }
  if (batch.length === null) {
    throw new ConfigError(`${where}: 'batch.length' must be the padded row length, got null (a ragged batch: encode with padding: true)`);
  }
  const rows: TokenRows = {
    batchSize: checkInteger(where, 'batch.batchSize', batch.batchSize, 1),
    length: checkInteger(where, 'batch.length', batch.length, 1),
    inputIds: [],
    attentionMask: undefined,
    tokenTypeIds: undefined,
    specialTokensMask: undefined,
    wordIds: undefined,
  };
  const size = rows.batchSize * rows.length;
  rows.inputIds = checkArray(where, 'inputIds', batch.inputIds, size, rows, true)!;
  rows.attentionMask = checkArray(where, 'attentionMask', batch.attentionMask, size, rows, false);
  rows.tokenTypeIds = checkArray(where, 'tokenTypeIds', batch.tokenTypeIds, size, rows, false);
  rows.specialTokensMask = checkArray(where, 'specialTokensMask', batch.specialTokensMask, size, rows, false);
  rows.wordIds = checkArray(where, 'wordIds', batch.wordIds, size, rows, false);
  return rows;
}

/** A `[batchSize, length]` int32 host tensor copied from `values` (`fill` where absent). */
export function rowsTensor(rows: TokenRows, values: ArrayLike<number> | undefined, fill = 0): HostTensor {
  const out = new Int32Array(rows.batchSize * rows.length);
  if (values === undefined) out.fill(fill);
  else out.set(values);
  return { shape: [rows.batchSize, rows.length], values: out };
}

/** The inputs every token objective passes on: ids, attention mask (all 1 by default) and token types if given. */
export function tokenInputs(rows: TokenRows, inputIds: Int32Array): Record<string, HostTensor> {
  const shape = [rows.batchSize, rows.length];
  const inputs: Record<string, HostTensor> = {
    inputIds: { shape, values: inputIds },
    attentionMask: rowsTensor(rows, rows.attentionMask, 1),
  };
  if (rows.tokenTypeIds) inputs.tokenTypeIds = rowsTensor(rows, rows.tokenTypeIds);
  return inputs;
}

/** The token rows that `prepared.inputs` hold, for an objective that rewrites them next (combine). */
export function tokenBatchOf(where: string, prepared: Prepared): TokenBatch {
  const ids = prepared.inputs.inputIds;
  if (!ids || ids.shape.length !== 2 || !(ids.values instanceof Int32Array)) {
    throw new ShapeError(
      `${where}: the objective before this one must produce inputs.inputIds as int32 [B, T], got ${ids ? `shape [${ids.shape.join(', ')}]` : 'none'}`,
    );
  }
  const [batchSize, length] = ids.shape as [number, number];
  return {
    batchSize,
    length,
    inputIds: ids.values,
    attentionMask: prepared.inputs.attentionMask?.values,
    tokenTypeIds: prepared.inputs.tokenTypeIds?.values,
    specialTokensMask: prepared.specialTokensMask,
  };
}
