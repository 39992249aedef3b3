// Reads and validates a safetensors header: the u64 length, the JSON table of tensors and the
// layout of the data section. Allocates nothing in proportion to the tensors, so a hostile or
// truncated file is rejected before any large allocation.
import { SafetensorsError } from '../errors.js';
import { ALL_SAFETENSORS_DTYPES, dtypeBits, isSafetensorsDtype, type SafetensorsDtypeName } from './dtypes.js';
import { findDuplicateKey } from './json-duplicates.js';

/** Largest header accepted, in bytes: the reference implementation's limit (100 MB). */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** One tensor as the header describes it. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtypeName;
  shape: number[];
  /** `[begin, end)` in bytes, relative to the start of the data section, as stored in the file. */
  dataOffsets: [number, number];
}

/** A validated header. */
export interface SafetensorsHeader {
  /** Where the data section starts in the buffer: 8 + the header length. */
  dataStart: number;
  /** The `__metadata__` table (empty when the file has none). */
  metadata: Record<string, string>;
  /** Every tensor, in the order of its data in the file. */
  entries: SafetensorsEntry[];
}

/** A plain `Uint8Array` view of the input (a Node Buffer's `slice` would not copy). */
export function asBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  if (bytes instanceof Uint8Array) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new SafetensorsError(`safetensors: expected a Uint8Array or ArrayBuffer; got ${describe(bytes)}`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses and validates the header of a safetensors buffer, following the reference
 * implementation: data offsets must tile the data section exactly (no overlap, no hole, no
 * trailing bytes) and match each tensor's `shape` × dtype size.
 * @throws SafetensorsError naming the problem, the tensor, and the expected and actual values.
 */
export function parseSafetensorsHeader(input: Uint8Array | ArrayBuffer): SafetensorsHeader {
  const bytes = asBytes(input);
  if (bytes.length < 8) {
    throw new SafetensorsError(
      `safetensors: buffer is ${bytes.length} bytes; expected at least 8 (the u64 header length)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      `safetensors: header length is ${headerLength} bytes; expected at most ${SAFETENSORS_MAX_HEADER_BYTES}`,
    );
  }
  const n = Number(headerLength);
  const dataStart = 8 + n;
  if (dataStart > bytes.length) {
    throw new SafetensorsError(
      `safetensors: header length ${n} needs ${dataStart} bytes; buffer has only ${bytes.length} (truncated file?)`,
    );
  }

  let text: string;
  try {
    text = utf8.decode(bytes.subarray(8, dataStart));
  } catch (cause) {
    throw new SafetensorsError(`safetensors: header is not valid UTF-8`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SafetensorsError(`safetensors: header is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (!isPlainObject(json)) {
    throw new SafetensorsError(`safetensors: header must be a JSON object; got ${describe(json)}`);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate) {
    const where = duplicate.parent === undefined ? 'the header' : `'${duplicate.parent}'`;
    throw new SafetensorsError(`safetensors: key '${duplicate.key}' appears more than once in ${where}`);
  }

  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, info] of Object.entries(json)) {
    if (name === '__metadata__') metadata = readMetadata(info);
    else entries.push(readEntry(name, info, dataLength));
  }
  checkLayout(entries, dataLength);
  return { dataStart, metadata, entries };
}

function readMetadata(value: unknown): Record<string, string> {
  // The reference reads `__metadata__` as an optional map, so `null` means "none".
  if (value === null) return {};
  if (!isPlainObject(value)) {
    throw new SafetensorsError(
      `safetensors: '__metadata__' must be an object of string values; got ${describe(value)}`,
    );
  }
  const metadata: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new SafetensorsError(
        `safetensors: '__metadata__' value of '${key}' must be a string; got ${describe(v)}`,
      );
    }
    Object.defineProperty(metadata, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return metadata;
}

function readEntry(name: string, info: unknown, dataLength: number): SafetensorsEntry {
  const fail = (what: string): never => {
    throw new SafetensorsError(`safetensors: tensor '${name}': ${what}`);
  };
  if (!isPlainObject(info)) fail(`expected an object {dtype, shape, data_offsets}; got ${describe(info)}`);
  const record = info as Record<string, unknown>;
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!(field in record)) fail(`missing '${field}'`);
  }

  const dtype = record.dtype;
  if (typeof dtype !== 'string' || !isSafetensorsDtype(dtype)) {
    const got = typeof dtype === 'string' ? `'${dtype}'` : describe(dtype);
    fail(`unknown dtype ${got}; expected one of ${ALL_SAFETENSORS_DTYPES.join(', ')}`);
  }
  const shape = record.shape;
  if (!Array.isArray(shape) || !shape.every(isSize)) {
    fail(`shape must be an array of non-negative integers; got ${describe(shape)}`);
  }
  const offsets = record.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize)) {
    fail(`data_offsets must be [begin, end] with non-negative integers; got ${describe(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(`data_offsets [${begin}, ${end}] must have begin <= end`);
  if (end > dataLength) {
    fail(`data_offsets [${begin}, ${end}] end beyond the data section of ${dataLength} bytes (truncated file?)`);
  }

  const dims = shape as number[];
  const d = dtype as SafetensorsDtypeName;
  let elements = 1;
  for (const dim of dims) {
    elements *= dim;
    if (!Number.isSafeInteger(elements)) fail(`shape [${dims.join(', ')}] has too many elements`);
  }
  const bits = elements * dtypeBits(d);
  if (!Number.isSafeInteger(bits)) fail(`shape [${dims.join(', ')}] has too many elements`);
  if (bits % 8 !== 0) fail(`${elements} elements of ${d} (${dtypeBits(d)} bits) do not fill whole bytes`);
  if (end - begin !== bits / 8) {
    fail(
      `data_offsets [${begin}, ${end}] hold ${end - begin} bytes; expected ${bits / 8} ` +
        `(shape [${dims.join(', ')}] of ${d} at ${dtypeBits(d) / 8} bytes each)`,
    );
  }
  return { name, dtype: d, shape: [...dims], dataOffsets: [begin, end] };
}

function checkLayout(entries: SafetensorsEntry[], dataLength: number): void {
  // The reference sorts by offsets and requires each tensor to start where the previous ended,
  // and the last to end at the end of the buffer.
  entries.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let cursor = 0;
  let previous: SafetensorsEntry | undefined;
  for (const entry of entries) {
    const [begin, end] = entry.dataOffsets;
    if (begin < cursor) {
      const p = previous as SafetensorsEntry;
      throw new SafetensorsError(
        `safetensors: tensor '${entry.name}' data_offsets [${begin}, ${end}] overlap tensor '${p.name}' ` +
          `[${p.dataOffsets[0]}, ${p.dataOffsets[1]}]; expected it to start at ${cursor}`,
      );
    }
    if (begin > cursor) {
      throw new SafetensorsError(
        `safetensors: tensor '${entry.name}' data_offsets [${begin}, ${end}] leave a hole: bytes [${cursor}, ${begin}) ` +
          `belong to no tensor; expected it to start at ${cursor} (tensors must be packed without gaps)`,
      );
    }
    cursor = end;
    previous = entry;
  }
  if (cursor !== dataLength) {
    throw new SafetensorsError(
      `safetensors: tensors cover ${cursor} bytes of a ${dataLength}-byte data section; ` +
        `expected them to cover it exactly (${dataLength - cursor} trailing bytes)`,
    );
  }
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of an unexpected value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `array ${truncate(JSON.stringify(value))}`;
  if (value === null) return 'null';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name && name !== 'Object' ? name : `object ${truncate(JSON.stringify(value))}`;
  }
  if (typeof value === 'string') return `string ${truncate(JSON.stringify(value))}`;
  return `${typeof value} ${String(value)}`;
}

function truncate(s: string | undefined): string {
  if (s === undefined) return '';
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
