// HF's group_texts, streaming: documents' ids joined with a separator and cut into rows of
// `blockSize` tokens; the tail that does not fill a row is carried into the next piece.
import { ConfigError } from '@llmkit/core';
import type { TokenBatch } from '@llmkit/objectives';
import { packArrays, unpackArrays } from './codec.js';
import type { Packed, Packer } from './packer.js';
import type { TextPiece } from './source.js';

/** Options of the block packer (see {@link packedBlocks}). */
export interface BlockPackOptions {
  /**
   * Tokens per row. `CausalLM` shifts on the host (row t predicts t + 1), so a row of `blockSize`
   * tokens trains `blockSize - 1` predictions; for nanoGPT's 64 predictions per row pass 65
   * (and a model with `nPositions >= 65`).
   */
  blockSize: number;
  /** Tokens between row starts (default `blockSize`: no overlap). `blockSize - 1` makes each row start where the last ended, so every transition is trained. */
  stride?: number;
  /** Id put after every document (GPT-2's `<|endoftext|>`); default none. */
  eosTokenId?: number;
}

interface BlockCarry {
  /** Tokens of the next, unfinished row. */
  tail: Int32Array;
  /** Rows produced so far this epoch. */
  count: number;
}

function positiveInt(where: string, key: string, v: unknown): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1) throw new ConfigError(`${where}: '${key}' must be a positive integer, got ${String(v)}`);
  return v as number;
}

export class BlockPacker implements Packer<Int32Array, BlockCarry, TokenBatch> {
  readonly blockSize: number;
  readonly stride: number;
  readonly eosTokenId: number | undefined;

  constructor(
    options: BlockPackOptions,
    private readonly encode: (text: string) => Int32Array,
  ) {
    this.blockSize = positiveInt('packedBlocks', 'blockSize', options.blockSize);
    this.stride = positiveInt('packedBlocks', 'stride', options.stride ?? this.blockSize);
    if (this.stride > this.blockSize) throw new ConfigError(`packedBlocks: 'stride' must be <= blockSize = ${this.blockSize}, got ${this.stride}`);
    if (options.eosTokenId !== undefined && !(Number.isSafeInteger(options.eosTokenId) && options.eosTokenId >= 0)) {
      throw new ConfigError(`packedBlocks: 'eosTokenId' must be a token id >= 0, got ${String(options.eosTokenId)}`);
    }
    this.eosTokenId = options.eosTokenId;
  }

  initialCarry(): BlockCarry {
    return { tail: new Int32Array(0), count: 0 };
  }

  itemIndex(carry: BlockCarry): number {
    return carry.count;
  }

  pack(piece: TextPiece, carry: BlockCarry): Packed<Int32Array, BlockCarry> {
    const ids = this.encode(piece.text);
    const eos = piece.last && this.eosTokenId !== undefined ? 1 : 0;
    const tokens = new Int32Array(carry.tail.length + ids.length + eos);
    tokens.set(carry.tail);
    tokens.set(ids, carry.tail.length);
    if (eos) tokens[tokens.length - 1] = this.eosTokenId!;
    const items: Int32Array[] = [];
    let start = 0;
    for (; start + this.blockSize <= tokens.length; start += this.stride) items.push(tokens.subarray(start, start + this.blockSize));
    return { items, carry: { tail: tokens.slice(start), count: carry.count + items.length } };
  }

  detach(item: Int32Array): Int32Array {
    return item.slice();
  }

  /** Rows as the objectives' `TokenBatch`: every token real (packed rows have no padding), so no attention mask. */
  collate(items: Int32Array[]): TokenBatch {
    const inputIds = new Int32Array(items.length * this.blockSize);
    items.forEach((row, i) => inputIds.set(row, i * this.blockSize));
    return { batchSize: items.length, length: this.blockSize, inputIds };
  }

  saveCarry(carry: BlockCarry): unknown {
    return { tail: Array.from(carry.tail), count: carry.count };
  }

  loadCarry(state: unknown): BlockCarry {
    const s = state as { tail: number[]; count: number };
    return { tail: Int32Array.from(s.tail), count: s.count };
  }

  saveItems(items: readonly Int32Array[]): unknown {
    return packArrays(items);
  }

  loadItems(state: unknown): Int32Array[] {
    return unpackArrays(state as { lengths: number[]; data: string });
  }

  config(): Record<string, unknown> {
    return { kind: 'blocks', blockSize: this.blockSize, stride: this.stride, eosTokenId: this.eosTokenId ?? null };
  }
}
