import { describe, expect, test } from 'vitest';
import { parseSafetensorsHeader, SAFETENSORS_MAX_HEADER_BYTES } from '../src/safetensors/header.js';
import { parseSafetensors } from '../src/safetensors/parse.js';
import { serializeSafetensors } from '../src/safetensors/serialize.js';
import { craft, expectSafetensorsError } from './safetensors-helpers.js';

const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

describe('parseSafetensorsHeader: a valid header', () => {
  test('reads metadata, entries in data order, and where the data starts', () => {
    const bytes = craft({ __metadata__: { a: 'b' }, y: f32([1], 4, 8), x: f32([1], 0, 4) }, new Uint8Array(8));
    const header = parseSafetensorsHeader(bytes);
    expect(header.metadata).toEqual({ a: 'b' });
    expect(header.entries.map((e) => e.name)).toEqual(['x', 'y']);
    expect(header.entries[1]).toEqual({ name: 'y', dtype: 'F32', shape: [1], dataOffsets: [4, 8] });
    expect(header.dataStart).toBe(bytes.length - 8);
  });

  test('accepts space padding, a null __metadata__, unknown extra fields, zero-size tensors anywhere', () => {
    const e = '{"dtype":"F16","shape":[0,3],"data_offsets":[4,4],"extra":1}';
    const text = `{"__metadata__":null,"e":${e},"x":${JSON.stringify(f32([1], 0, 4))}}      `;
    const header = parseSafetensorsHeader(craft(text, new Uint8Array(4)));
    expect(header.metadata).toEqual({});
    expect(header.entries.map((e) => e.name)).toEqual(['x', 'e']);
  });

  test('an empty file ({} and no data) is valid', () => {
    expect(parseSafetensors(craft('{}')).tensors.size).toBe(0);
  });

  test('accepts an ArrayBuffer and a Node Buffer sharing a pool at an offset', () => {
    const bytes = serializeSafetensors({ x: { shape: [2], data: new Float32Array([1, 2]) } });
    // A Buffer at an odd offset into a larger ArrayBuffer: no aligned Float32Array view exists.
    const pooled = Buffer.from(new ArrayBuffer(bytes.length + 3), 3, bytes.length);
    pooled.set(bytes);
    expect(Array.from(parseSafetensors(pooled).tensors.get('x')?.data ?? [])).toEqual([1, 2]);
    const copy = bytes.slice().buffer;
    expect(Array.from(parseSafetensors(copy).tensors.get('x')?.data ?? [])).toEqual([1, 2]);
  });
});

describe('parseSafetensorsHeader: every malformation is a SafetensorsError naming it', () => {
  test('buffer shorter than 8 bytes', () => {
    expectSafetensorsError(() => parseSafetensorsHeader(new Uint8Array(5)), 'buffer is 5 bytes', 'at least 8');
  });

  test('header length beyond the 100 MB limit (checked before the buffer size, no allocation)', () => {
    const bytes = craft('{}', [], SAFETENSORS_MAX_HEADER_BYTES + 1);
    expectSafetensorsError(() => parseSafetensorsHeader(bytes), 'header length is 100000001 bytes', 'at most 100000000');
    const huge = new Uint8Array(8).fill(0xff);
    expectSafetensorsError(() => parseSafetensorsHeader(huge), '18446744073709551615 bytes');
  });

  test('header length larger than the buffer (a truncated file)', () => {
    const good = serializeSafetensors({ w: { shape: [4], data: new Float32Array(4) } });
    const headerLength = Number(new DataView(good.buffer).getBigUint64(0, true));
    expectSafetensorsError(
      () => parseSafetensorsHeader(good.subarray(0, 20)),
      `header length ${headerLength} needs ${8 + headerLength} bytes`,
      'buffer has only 20',
      'truncated',
    );
  });

  test('a file truncated inside the data section', () => {
    const good = serializeSafetensors({ w: { shape: [4], data: new Float32Array(4) } });
    expectSafetensorsError(
      () => parseSafetensors(good.subarray(0, good.length - 3)),
      "tensor 'w'",
      'data_offsets [0, 16] end beyond the data section of 13 bytes',
    );
  });

  test('header not valid UTF-8', () => {
    const bytes = craft('{"x":1}');
    bytes[10] = 0xff;
    expectSafetensorsError(() => parseSafetensorsHeader(bytes), 'not valid UTF-8');
  });

  test('header not valid JSON, or JSON with a byte-order mark (the reference rejects both)', () => {
    expectSafetensorsError(() => parseSafetensorsHeader(craft('{"x": {"dtype": "F32",')), 'not valid JSON');
    expectSafetensorsError(() => parseSafetensorsHeader(craft('\ufeff{}')), 'not valid JSON');
    expectSafetensorsError(() => parseSafetensorsHeader(craft('{}\u0000\u0000')), 'not valid JSON');
  });

  test('header JSON that is not an object', () => {
    expectSafetensorsError(() => parseSafetensorsHeader(craft('[1,2]')), 'must be a JSON object', 'got array [1,2]');
    expectSafetensorsError(() => parseSafetensorsHeader(craft('null')), 'must be a JSON object', 'got null');
    expectSafetensorsError(() => parseSafetensorsHeader(craft('7')), 'must be a JSON object', 'got number 7');
  });

  test('duplicate tensor names and duplicate metadata keys (JSON.parse would keep the last)', () => {
    const x = JSON.stringify(f32([1], 0, 4));
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft(`{"x":${x},"x":${x}}`, new Uint8Array(4))),
      "key 'x' appears more than once in the header",
    );
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft('{"__metadata__":{"k":"1","k":"2"}}')),
      "key 'k' appears more than once in '__metadata__'",
    );
    // Keys equal only after unescaping are duplicates too; equal strings as values are not.
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft(`{"x":${x},"\\u0078":${x}}`, new Uint8Array(4))),
      "key 'x' appears more than once",
    );
    expect(parseSafetensorsHeader(craft('{"__metadata__":{"a":"a","b":"a","c":"{\\"a\\":1,"}}')).metadata).toEqual({
      a: 'a',
      b: 'a',
      c: '{"a":1,',
    });
  });

  test('metadata that is not an object of strings', () => {
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ __metadata__: { epoch: 3 } })),
      "'__metadata__' value of 'epoch' must be a string",
      'got number 3',
    );
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ __metadata__: ['a'] })),
      "'__metadata__' must be an object of string values",
      'got array',
    );
  });

  test('tensor info that is not an object, or misses a field', () => {
    expectSafetensorsError(() => parseSafetensorsHeader(craft({ x: 5 })), "tensor 'x'", 'expected an object', 'got number 5');
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ x: { dtype: 'F32', shape: [1] } })),
      "tensor 'x'",
      "missing 'data_offsets'",
    );
  });

  test('unknown dtype', () => {
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ x: { dtype: 'F17', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4))),
      "tensor 'x'",
      "unknown dtype 'F17'",
      'expected one of BOOL',
      'F32',
    );
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ x: { dtype: 'f32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4))),
      "unknown dtype 'f32'",
    );
  });

  test('shape not an array of non-negative integers', () => {
    for (const shape of [[-1], [1.5], ['2'], 3, [2 ** 53]]) {
      expectSafetensorsError(
        () => parseSafetensorsHeader(craft({ x: { dtype: 'U8', shape, data_offsets: [0, 0] } })),
        "tensor 'x'",
        'shape must be an array of non-negative integers',
        `got ${Array.isArray(shape) ? 'array' : 'number'}`,
      );
    }
  });

  test('shape whose element count overflows', () => {
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ x: { dtype: 'U8', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 0] } })),
      "tensor 'x'",
      'too many elements',
    );
  });

  test('data_offsets not [begin, end] with begin <= end', () => {
    for (const offsets of [[0], [0, 4, 8], [-4, 0], [0, '4'], 'x']) {
      expectSafetensorsError(
        () => parseSafetensorsHeader(craft({ x: { dtype: 'F32', shape: [1], data_offsets: offsets } }, new Uint8Array(4))),
        "tensor 'x'",
        'data_offsets must be [begin, end]',
      );
    }
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ x: f32([0], 4, 0) }, new Uint8Array(4))),
      "tensor 'x'",
      'data_offsets [4, 0] must have begin <= end',
    );
  });

  test('end beyond the buffer', () => {
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ x: f32([2], 0, 8) }, new Uint8Array(4))),
      "tensor 'x'",
      'data_offsets [0, 8] end beyond the data section of 4 bytes',
    );
  });

  test('byte size not equal to product(shape) * dtype size', () => {
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ x: f32([2, 3], 0, 20) }, new Uint8Array(20))),
      "tensor 'x'",
      'data_offsets [0, 20] hold 20 bytes; expected 24 (shape [2, 3] of F32 at 4 bytes each)',
    );
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ x: { dtype: 'F4', shape: [3], data_offsets: [0, 2] } }, new Uint8Array(2))),
      "tensor 'x'",
      '3 elements of F4 (4 bits) do not fill whole bytes',
    );
  });

  test('overlapping tensors', () => {
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ a: f32([2], 0, 8), b: f32([1], 4, 8) }, new Uint8Array(8))),
      "tensor 'b' data_offsets [4, 8] overlap tensor 'a' [0, 8]",
      'expected it to start at 8',
    );
    // Two tensors on the very same bytes.
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ a: f32([1], 0, 4), b: f32([1], 0, 4) }, new Uint8Array(4))),
      'overlap',
    );
  });

  test('a hole between tensors (the reference requires packed data)', () => {
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, new Uint8Array(12))),
      "tensor 'b' data_offsets [8, 12] leave a hole: bytes [4, 8) belong to no tensor",
      'expected it to start at 4',
    );
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ b: f32([1], 4, 8) }, new Uint8Array(8))),
      'bytes [0, 4) belong to no tensor',
    );
  });

  test('trailing bytes after the last tensor', () => {
    expectSafetensorsError(
      () => parseSafetensorsHeader(craft({ a: f32([1], 0, 4) }, new Uint8Array(7))),
      'tensors cover 4 bytes of a 7-byte data section',
      '3 trailing bytes',
    );
  });

  test('not bytes at all', () => {
    expectSafetensorsError(() => parseSafetensorsHeader([1, 2, 3] as unknown as Uint8Array), 'expected a Uint8Array or ArrayBuffer');
  });
});
