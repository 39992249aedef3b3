import { describe, expect, test } from 'vitest';
import { parseSafetensors } from '../src/safetensors/parse.js';
import { decodeSafetensorsEntry } from '../src/safetensors/decode.js';
import { parseSafetensorsHeader } from '../src/safetensors/header.js';
import { bits32, craft, expectSafetensorsError, le } from './safetensors-helpers.js';

function one(dtype: string, shape: number[], data: Uint8Array) {
  const bytes = craft({ t: { dtype, shape, data_offsets: [0, data.length] } }, data);
  const t = parseSafetensors(bytes).tensors.get('t');
  if (!t) throw new Error('missing tensor');
  return t;
}

describe('decodeSafetensorsEntry: each dtype to its typed array', () => {
  test('F32 is copied bit for bit (NaN payload, -0, subnormal)', () => {
    const src = new Float32Array(new Uint32Array([0x7fc00001, 0x80000000, 0x00000001, 0x3f800000]).buffer);
    const t = one('F32', [2, 2], le(src));
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(bits32(t.data as Float32Array)).toEqual([0x7fc00001, 0x80000000, 0x00000001, 0x3f800000]);
    expect(t).toMatchObject({ dtype: 'F32', shape: [2, 2] });
  });

  test('F64 is narrowed to float32, rounding to nearest (overflow to ±inf, -0 kept)', () => {
    const t = one('F64', [5], le(new Float64Array([0.1, -0, 1e300, -1e300, 1e-50])));
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual([Math.fround(0.1), -0, Infinity, -Infinity, 0]);
    expect(Object.is(t.data[1], -0)).toBe(true);
  });

  test('F16 and BF16 are widened to float32', () => {
    const h = one('F16', [4], le(new Uint16Array([0x3c00, 0x0001, 0xfc00, 0x8000])));
    expect(Array.from(h.data)).toEqual([1, 2 ** -24, -Infinity, -0]);
    const b = one('BF16', [2], le(new Uint16Array([0x4049, 0x7fc0])));
    expect(Array.from(b.data)).toEqual([3.140625, NaN]);
  });

  test('I32, I16, U16, I8 to Int32Array', () => {
    expect(Array.from(one('I32', [2], le(new Int32Array([-(2 ** 31), 2 ** 31 - 1]))).data)).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(Array.from(one('I16', [2], le(new Int16Array([-32768, 32767]))).data)).toEqual([-32768, 32767]);
    expect(Array.from(one('U16', [2], le(new Uint16Array([0, 65535]))).data)).toEqual([0, 65535]);
    const i8 = one('I8', [2], le(new Int8Array([-128, 127])));
    expect(i8.data).toBeInstanceOf(Int32Array);
    expect(Array.from(i8.data)).toEqual([-128, 127]);
  });

  test('I64 / U64 / U32 within int32 are read exactly', () => {
    const i64 = one('I64', [4], le(new BigInt64Array([0n, -1n, 2n ** 31n - 1n, -(2n ** 31n)])));
    expect(i64.data).toBeInstanceOf(Int32Array);
    expect(Array.from(i64.data)).toEqual([0, -1, 2 ** 31 - 1, -(2 ** 31)]);
    expect(Array.from(one('U64', [2], le(new BigUint64Array([0n, 2n ** 31n - 1n]))).data)).toEqual([0, 2 ** 31 - 1]);
    expect(Array.from(one('U32', [1], le(new Uint32Array([2 ** 31 - 1]))).data)).toEqual([2 ** 31 - 1]);
  });

  test('I64 / U64 / U32 outside int32 throw, naming the tensor, the value and its index', () => {
    const cases: [string, Uint8Array, string][] = [
      ['I64', le(new BigInt64Array([1n, 2n ** 31n])), 'I64 value 2147483648 at flat index 1'],
      ['I64', le(new BigInt64Array([-(2n ** 31n) - 1n])), 'I64 value -2147483649 at flat index 0'],
      ['I64', le(new BigInt64Array([2n ** 32n])), 'I64 value 4294967296'],
      ['I64', le(new BigInt64Array([-(2n ** 63n)])), 'I64 value -9223372036854775808'],
      ['U64', le(new BigUint64Array([2n ** 64n - 1n])), 'U64 value 18446744073709551615'],
      ['U64', le(new BigUint64Array([2n ** 31n])), 'U64 value 2147483648'],
      ['U32', le(new Uint32Array([2 ** 32 - 1])), 'U32 value 4294967295 at flat index 0'],
    ];
    for (const [dtype, data, fragment] of cases) {
      const n = data.length / (dtype === 'U32' ? 4 : 8);
      expectSafetensorsError(() => one(dtype, [n], data), "tensor 't'", fragment, 'does not fit in int32', '[-2147483648, 2147483647]');
    }
  });

  test('U8 and BOOL stay bytes', () => {
    const u8 = one('U8', [3], new Uint8Array([0, 128, 255]));
    expect(u8.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(u8.data)).toEqual([0, 128, 255]);
    expect(Array.from(one('BOOL', [2], new Uint8Array([1, 0])).data)).toEqual([1, 0]);
  });

  test('a dtype of the format that llmkit does not decode is named', () => {
    expectSafetensorsError(
      () => one('F8_E4M3', [2], new Uint8Array(2)),
      "tensor 't': dtype F8_E4M3 is not supported",
      'expected one of F64, F32, F16, BF16',
    );
  });

  test('decoded data is a copy, independent of the input buffer', () => {
    const bytes = craft({ t: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, le(new Float32Array([1])));
    const header = parseSafetensorsHeader(bytes);
    const t = decodeSafetensorsEntry(bytes, header, header.entries[0]!);
    bytes.fill(0);
    expect(Array.from(t.data)).toEqual([1]);
    expect(t.data.buffer.byteLength).toBe(4);
  });

  test('lazy reading: decode only the entry asked for', () => {
    const bytes = craft(
      { a: { dtype: 'F8_E5M2', shape: [4], data_offsets: [0, 4] }, b: { dtype: 'I32', shape: [1], data_offsets: [4, 8] } },
      [0, 0, 0, 0, ...le(new Int32Array([7]))],
    );
    const header = parseSafetensorsHeader(bytes);
    const b = header.entries.find((e) => e.name === 'b')!;
    expect(Array.from(decodeSafetensorsEntry(bytes, header, b).data)).toEqual([7]);
  });
});
