// Batch encoding for pretraining: many texts (or pairs) → one flat, optionally padded, set of typed arrays.
import type { Encoding } from './encoding.js';
import { TokenizerConfigError } from './errors.js';
import type { TruncationStrategy } from './truncation.js';

/** tokenizer.json's `padding` field. */
export interface PaddingJSON {
  strategy: 'BatchLongest' | { Fixed: number };
  direction: 'Right' | 'Left';
  pad_to_multiple_of: number | null;
  pad_id: number;
  pad_type_id: number;
  pad_token: string;
}

/** Options of `Tokenizer.encodeBatch`. Defaults come from the tokenizer's own padding/truncation settings. */
export interface EncodeBatchOptions {
  /** Add the post-processor's special tokens ([CLS]/[SEP], BOS/EOS). Default true. */
  addSpecialTokens?: boolean;
  /** `true`/`'longest'`: pad to the longest row; `'max_length'`: pad to `maxLength`; false: ragged rows. */
  padding?: boolean | 'longest' | 'max_length';
  /** `true` means `'longest_first'`; needs `maxLength`. */
  truncation?: boolean | TruncationStrategy;
  /** Token budget per row, special tokens included. */
  maxLength?: number;
  /** Round the padded length up to a multiple of this. */
  padToMultipleOf?: number;
  /** Where padding (and truncation) happens. Default 'right'. */
  paddingSide?: 'right' | 'left';
  truncationSide?: 'right' | 'left';
  /** Padding token; default the tokenizer's padding setting, else `[PAD]`, `<pad>` or `<|endoftext|>` if present. */
  padToken?: string;
  /** Return `attentionMask` (default true). */
  returnAttentionMask?: boolean;
  /** Return `specialTokensMask`, 1 where a token is special or padding — what an MLM objective must not mask (default false). */
  returnSpecialTokensMask?: boolean;
  /** Return `offsets` (default false). */
  returnOffsets?: boolean;
}

/**
 * Encoded rows stored flat: row `i` is `[rowStarts[i], rowStarts[i + 1])` of every per-token array.
 * When padded, all rows have `length` tokens and the arrays are row-major `[batchSize, length]` matrices.
 */
export interface BatchEncoding {
  batchSize: number;
  /** Common row length when padded, else null (ragged). */
  length: number | null;
  rowStarts: Int32Array;
  /** Unpadded length of each row. */
  lengths: Int32Array;
  inputIds: Int32Array;
  tokenTypeIds: Uint8Array;
  attentionMask?: Uint8Array;
  specialTokensMask?: Uint8Array;
  /** 2 entries per token: [start, end) in the row's text (pairs: in the text of its own sequence). */
  offsets?: Int32Array;
}

/** Most tokens one padded batch may hold (2^28: 1 GiB of ids). */
const MAX_BATCH_TOKENS = 2 ** 28;

/** Lays out encodings as a BatchEncoding, padding as asked. */
export function flattenBatch(
  encodings: readonly Encoding[],
  options: EncodeBatchOptions,
  padding: false | 'longest' | 'max_length',
  pad: { id: number; typeId: number } | null,
): BatchEncoding {
  const batchSize = encodings.length;
  let target = 0;
  if (padding === 'longest') for (const e of encodings) target = Math.max(target, e.length);
  else if (padding === 'max_length') {
    if (options.maxLength === undefined) throw new TokenizerConfigError(`padding 'max_length' needs maxLength`);
    target = Math.max(options.maxLength, ...encodings.map((e) => e.length));
  }
  const multiple = options.padToMultipleOf;
  if (padding && multiple && target % multiple !== 0) target += multiple - (target % multiple);
  // A padding setting from a file can ask for 2^32 tokens a row: refuse before allocating.
  if (padding && target * batchSize > MAX_BATCH_TOKENS) {
    throw new TokenizerConfigError(`padding to ${target} tokens × ${batchSize} rows exceeds ${MAX_BATCH_TOKENS} tokens (check maxLength / padToMultipleOf / tokenizer.json padding)`);
  }

  const rowStarts = new Int32Array(batchSize + 1);
  const lengths = new Int32Array(batchSize);
  for (let i = 0; i < batchSize; i++) {
    lengths[i] = encodings[i]!.length;
    rowStarts[i + 1] = rowStarts[i]! + (padding ? target : lengths[i]!);
  }
  const total = rowStarts[batchSize]!;
  const inputIds = new Int32Array(total);
  const tokenTypeIds = new Uint8Array(total);
  const attentionMask = options.returnAttentionMask === false ? undefined : new Uint8Array(total);
  const specialTokensMask = options.returnSpecialTokensMask ? new Uint8Array(total) : undefined;
  const offsets = options.returnOffsets ? new Int32Array(2 * total) : undefined;
  const left = options.paddingSide === 'left';
  for (let i = 0; i < batchSize; i++) {
    const e = encodings[i]!;
    const rowStart = rowStarts[i]!;
    const rowLength = rowStarts[i + 1]! - rowStart;
    const padCount = rowLength - e.length;
    const at = rowStart + (left ? padCount : 0);
    inputIds.set(e.ids, at);
    tokenTypeIds.set(e.typeIds, at);
    attentionMask?.set(e.attentionMask, at);
    specialTokensMask?.set(e.specialTokensMask, at);
    offsets?.set(e.offsets, 2 * at);
    if (padCount > 0) {
      const p = left ? rowStart : rowStart + e.length;
      inputIds.fill(pad!.id, p, p + padCount);
      tokenTypeIds.fill(pad!.typeId, p, p + padCount);
      specialTokensMask?.fill(1, p, p + padCount);
    }
  }
  return { batchSize, length: padding ? target : null, rowStarts, lengths, inputIds, tokenTypeIds, attentionMask, specialTokensMask, offsets };
}
