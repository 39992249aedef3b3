// The safetensors dtype table: every dtype the format defines, its width, and which ones llmkit
// can decode (into a JS typed array) or encode.

/**
 * Every dtype the reference implementation (huggingface/safetensors `Dtype`) defines, in its
 * declaration order, which is increasing alignment. The writer lays tensors out in *decreasing*
 * order of this rank, then by name, as the reference does, so each tensor's data is aligned.
 */
const ALL_DTYPES = [
  'BOOL',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'C64',
  'F64',
  'I64',
  'U64',
] as const;

/** A dtype name that may appear in a safetensors header. */
export type SafetensorsDtypeName = (typeof ALL_DTYPES)[number];

const BIT_SIZE: Record<SafetensorsDtypeName, number> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

/**
 * The dtypes llmkit decodes. Floats widen or narrow to `Float32Array` (tfjs has no f16/f64);
 * integers go to `Int32Array` (with a range check where the source is wider); U8 and BOOL stay
 * `Uint8Array`.
 */
export const READABLE_DTYPES = [
  'F64',
  'F32',
  'F16',
  'BF16',
  'I64',
  'U64',
  'I32',
  'U32',
  'I16',
  'U16',
  'I8',
  'U8',
  'BOOL',
] as const;
export type SafetensorsReadableDtype = (typeof READABLE_DTYPES)[number];

/** The dtypes llmkit encodes, with the typed array each one is written from. */
export const WRITABLE_DTYPES = ['F32', 'F16', 'BF16', 'I32', 'I64', 'U8', 'BOOL'] as const;
export type SafetensorsWritableDtype = (typeof WRITABLE_DTYPES)[number];

/** The typed array a decoded tensor's values live in. */
export type SafetensorsData = Float32Array | Int32Array | Uint8Array;

const RANK = new Map<string, number>(ALL_DTYPES.map((d, i) => [d, i]));

export function isSafetensorsDtype(name: string): name is SafetensorsDtypeName {
  return RANK.has(name);
}

export function isReadableDtype(name: string): name is SafetensorsReadableDtype {
  return (READABLE_DTYPES as readonly string[]).includes(name);
}

export function isWritableDtype(name: string): name is SafetensorsWritableDtype {
  return (WRITABLE_DTYPES as readonly string[]).includes(name);
}

/** Width of one element in bits (4 and 6 for the sub-byte MX formats). */
export function dtypeBits(dtype: SafetensorsDtypeName): number {
  return BIT_SIZE[dtype];
}

/** Position in the reference's alignment order; the writer sorts by it, descending. */
export function dtypeRank(dtype: SafetensorsDtypeName): number {
  return RANK.get(dtype) as number;
}

/** Which typed array a writable dtype is written from. */
export function typedArrayForWritable(
  dtype: SafetensorsWritableDtype,
): 'Float32Array' | 'Int32Array' | 'Uint8Array' {
  if (dtype === 'F32' || dtype === 'F16' || dtype === 'BF16') return 'Float32Array';
  if (dtype === 'I32' || dtype === 'I64') return 'Int32Array';
  return 'Uint8Array';
}

export const ALL_SAFETENSORS_DTYPES: readonly SafetensorsDtypeName[] = ALL_DTYPES;
