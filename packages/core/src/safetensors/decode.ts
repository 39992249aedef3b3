// Decodes one tensor's bytes into a typed array: floats to Float32Array (F16/BF16 widened exactly,
// F64 narrowed with round-to-nearest), integers to Int32Array (range-checked), U8/BOOL as bytes.
import { SafetensorsError } from '../errors.js';
import { copyToHostOrder } from './byte-order.js';
import {
  dtypeBits,
  isReadableDtype,
  READABLE_DTYPES,
  type SafetensorsData,
  type SafetensorsReadableDtype,
} from './dtypes.js';
import { bf16BitsToFloat32, f16BitsToFloat32 } from './half-precision.js';
import { asBytes, type SafetensorsEntry, type SafetensorsHeader } from './header.js';

/** A decoded tensor: its dtype in the file, its shape, and its values. */
export interface SafetensorsTensor {
  dtype: SafetensorsReadableDtype;
  shape: number[];
  data: SafetensorsData;
}

const INT32_RANGE = '[-2147483648, 2147483647]';

/**
 * Decodes the tensor `entry` of a buffer whose header is `header` (from `parseSafetensorsHeader`
 * on the same buffer). The returned data is a copy: it does not keep `bytes` alive.
 * @throws SafetensorsError for a dtype llmkit cannot decode, or an integer outside int32.
 */
export function decodeSafetensorsEntry(
  input: Uint8Array | ArrayBuffer,
  header: SafetensorsHeader,
  entry: SafetensorsEntry,
): SafetensorsTensor {
  const { name, dtype, shape } = entry;
  if (!isReadableDtype(dtype)) {
    throw new SafetensorsError(
      `safetensors: tensor '${name}': dtype ${dtype} is not supported; expected one of ${READABLE_DTYPES.join(', ')}`,
    );
  }
  const bytes = asBytes(input);
  const [begin, end] = entry.dataOffsets;
  // 64-bit integers are read as (low, high) int32 word pairs, so swap per 32-bit word.
  const width = dtype === 'I64' || dtype === 'U64' ? 4 : dtypeBits(dtype) / 8;
  const raw = copyToHostOrder(bytes.subarray(header.dataStart + begin, header.dataStart + end), width);
  return { dtype, shape: [...shape], data: decodeRaw(name, dtype, raw) };
}

function decodeRaw(name: string, dtype: SafetensorsReadableDtype, raw: Uint8Array): SafetensorsData {
  const buf = raw.buffer as ArrayBuffer;
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf);
    case 'F64':
      return Float32Array.from(new Float64Array(buf));
    case 'F16':
      return f16BitsToFloat32(new Uint16Array(buf));
    case 'BF16':
      return bf16BitsToFloat32(new Uint16Array(buf));
    case 'I32':
      return new Int32Array(buf);
    case 'I16':
      return Int32Array.from(new Int16Array(buf));
    case 'U16':
      return Int32Array.from(new Uint16Array(buf));
    case 'I8':
      return Int32Array.from(new Int8Array(buf));
    case 'U32': {
      const words = new Int32Array(buf);
      const bad = words.findIndex((w) => w < 0);
      if (bad >= 0) outOfRange(name, dtype, bad, BigInt(words[bad] as number) + 2n ** 32n);
      return words;
    }
    case 'I64':
    case 'U64':
      return narrow64(name, dtype, new Int32Array(buf));
    case 'U8':
    case 'BOOL':
      return raw;
  }
}

/**
 * int64/uint64 to int32 without a BigInt per element: a value fits iff its high word is the sign
 * extension of its low word (and, for U64, is 0).
 */
function narrow64(name: string, dtype: 'I64' | 'U64', words: Int32Array): Int32Array {
  const out = new Int32Array(words.length / 2);
  for (let i = 0; i < out.length; i++) {
    const lo = words[2 * i] as number;
    const hi = words[2 * i + 1] as number;
    if (hi !== lo >> 31 || (dtype === 'U64' && hi !== 0)) {
      const value = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      outOfRange(name, dtype, i, dtype === 'I64' ? BigInt.asIntN(64, value) : value);
    }
    out[i] = lo;
  }
  return out;
}

function outOfRange(name: string, dtype: string, index: number, value: bigint): never {
  throw new SafetensorsError(
    `safetensors: tensor '${name}': ${dtype} value ${value} at flat index ${index} does not fit in int32; ` +
      `expected ${INT32_RANGE}`,
  );
}
