// serializeSafetensors: typed arrays to one safetensors buffer, laid out as the reference
// implementation lays it out, so that for the same input both write the same bytes.
import { SafetensorsError } from '../errors.js';
import { hostIsLittleEndian, swapBytes } from './byte-order.js';
import {
  dtypeRank,
  isWritableDtype,
  typedArrayForWritable,
  WRITABLE_DTYPES,
  type SafetensorsDtypeName,
  type SafetensorsWritableDtype,
} from './dtypes.js';
import { float32ToBf16Bits, float32ToF16Bits } from './half-precision.js';
import { describe, SAFETENSORS_MAX_HEADER_BYTES } from './header.js';

/** A tensor to write. */
export interface SafetensorsTensorInput {
  /**
   * The dtype to store. Defaults to F32 for a Float32Array, I32 for an Int32Array and U8 for a
   * Uint8Array. F16/BF16 are written from a Float32Array (rounded to nearest even), I64 from an
   * Int32Array, BOOL from a Uint8Array of 0/1. Typed as any safetensors dtype so that
   * `parseSafetensors` output can be written back; others throw.
   */
  dtype?: SafetensorsDtypeName;
  shape: readonly number[];
  data: Float32Array | Int32Array | Uint8Array;
}

interface Prepared {
  name: string;
  dtype: SafetensorsWritableDtype;
  shape: readonly number[];
  bytes: Uint8Array;
  /** Element width of the typed array `bytes` was built from, for the big-endian swap. */
  width: number;
}

/**
 * Serializes tensors (a record or a Map, by name) and optional string metadata to the safetensors
 * format. As in huggingface/safetensors, tensors are stored in decreasing dtype alignment, then by
 * name (Unicode code point order, which is UTF-8 byte order), the header lists `__metadata__` first
 * and then the tensors in storage order, and it is padded with spaces to a multiple of 8 bytes, so
 * every tensor's data is aligned to its element size. Empty metadata is omitted.
 * @throws SafetensorsError naming the tensor (or metadata key) and the expected and actual value.
 */
export function serializeSafetensors(
  tensors: Record<string, SafetensorsTensorInput> | ReadonlyMap<string, SafetensorsTensorInput>,
  metadata?: Record<string, string>,
): Uint8Array {
  const named = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const list = named.map(([name, t]) => prepare(name, t));
  list.sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareCodePoints(a.name, b.name));

  const fields: string[] = [];
  const meta = checkMetadata(metadata);
  if (meta.length > 0) {
    fields.push(`"__metadata__":{${meta.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  }
  let offset = 0;
  for (const t of list) {
    const end = offset + t.bytes.length;
    fields.push(
      `${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > SAFETENSORS_MAX_HEADER_BYTES) {
    throw new SafetensorsError(
      `safetensors: header would be ${headerLength} bytes; expected at most ${SAFETENSORS_MAX_HEADER_BYTES}`,
    );
  }

  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const t of list) {
    out.set(t.bytes, position);
    if (!hostIsLittleEndian && t.width > 1) swapBytes(out.subarray(position, position + t.bytes.length), t.width);
    position += t.bytes.length;
  }
  return out;
}

const DEFAULT_DTYPE = { Float32Array: 'F32', Int32Array: 'I32', Uint8Array: 'U8' } as const;

function prepare(name: string, tensor: SafetensorsTensorInput): Prepared {
  const fail = (what: string): never => {
    throw new SafetensorsError(`safetensors: tensor '${name}': ${what}`);
  };
  if (name === '__metadata__') fail(`the name '__metadata__' is reserved for the metadata table`);
  if (typeof tensor !== 'object' || tensor === null) fail(`expected {dtype?, shape, data}; got ${describe(tensor)}`);
  const { shape, data } = tensor;
  const arrayType =
    data instanceof Float32Array
      ? 'Float32Array'
      : data instanceof Int32Array
        ? 'Int32Array'
        : data instanceof Uint8Array
          ? 'Uint8Array'
          : fail(`data must be a Float32Array, Int32Array or Uint8Array; got ${describe(data)}`);
  const dtype = tensor.dtype ?? DEFAULT_DTYPE[arrayType];
  if (!isWritableDtype(dtype)) {
    const got = typeof dtype === 'string' ? `'${dtype}'` : describe(dtype);
    fail(`cannot write dtype ${got}; expected one of ${WRITABLE_DTYPES.join(', ')}`);
  }
  const d = dtype as SafetensorsWritableDtype;
  if (typedArrayForWritable(d) !== arrayType) {
    fail(`dtype ${d} is written from a ${typedArrayForWritable(d)}; got ${arrayType}`);
  }
  if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    fail(`shape must be an array of non-negative integers; got ${describe(shape)}`);
  }
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (size !== data.length) fail(`shape [${shape.join(', ')}] has ${size} elements; data has ${data.length}`);
  return { name, dtype: d, shape: [...shape], ...encode(name, d, data) };
}

function encode(
  name: string,
  dtype: SafetensorsWritableDtype,
  data: SafetensorsTensorInput['data'],
): { bytes: Uint8Array; width: number } {
  const view = (a: ArrayBufferView, width: number) => ({
    bytes: new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    width,
  });
  switch (dtype) {
    case 'F32':
    case 'I32':
      return view(data, 4);
    case 'F16':
      return view(float32ToF16Bits(data as Float32Array), 2);
    case 'BF16':
      return view(float32ToBf16Bits(data as Float32Array), 2);
    case 'I64': {
      // Little-endian int64 as (low, high) int32 words: the high word is the sign extension.
      const words = new Int32Array(data.length * 2);
      data.forEach((v, i) => {
        words[2 * i] = v;
        words[2 * i + 1] = v >> 31;
      });
      return view(words, 4);
    }
    case 'U8':
      return view(data, 1);
    case 'BOOL': {
      const bad = (data as Uint8Array).findIndex((v) => v > 1);
      if (bad >= 0) {
        throw new SafetensorsError(
          `safetensors: tensor '${name}': BOOL value ${data[bad]} at flat index ${bad}; expected 0 or 1`,
        );
      }
      return view(data, 1);
    }
  }
}

function checkMetadata(metadata: Record<string, string> | undefined): [string, string][] {
  if (metadata === undefined) return [];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new SafetensorsError(`safetensors: metadata must be an object of string values; got ${describe(metadata)}`);
  }
  const entries = Object.entries(metadata);
  for (const [key, value] of entries) {
    if (typeof value !== 'string') {
      throw new SafetensorsError(`safetensors: metadata value of '${key}' must be a string; got ${describe(value)}`);
    }
  }
  return entries.sort(([a], [b]) => compareCodePoints(a, b));
}

/** Orders strings by Unicode code point, i.e. by their UTF-8 bytes, as Rust's `String` does. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
