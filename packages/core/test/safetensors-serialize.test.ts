import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { parseSafetensors } from '../src/safetensors/parse.js';
import { serializeSafetensors, type SafetensorsTensorInput } from '../src/safetensors/serialize.js';
import type { SafetensorsWritableDtype } from '../src/safetensors/dtypes.js';
import { bf16BitsToFloat32, f16BitsToFloat32 } from '../src/safetensors/half-precision.js';
import { bits32, expectSafetensorsError } from './safetensors-helpers.js';

function headerOf(bytes: Uint8Array): { text: string; json: Record<string, unknown> } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  return { text, json: JSON.parse(text) as Record<string, unknown> };
}

const floats = (...xs: number[]) => new Float32Array(xs);

describe('serializeSafetensors: byte-identical to the reference writer', () => {
  // Expected bytes from the unit tests of huggingface/safetensors (safetensors/src/tensor.rs:
  // test_serialization, test_serialization_forced_alignement, test_empty).
  test('one F32 tensor', () => {
    const out = serializeSafetensors({ 'attn.0': { shape: [1, 2, 3], data: floats(0, 1, 2, 3, 4, 5) } });
    expect(Array.from(out)).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70,
      51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102,
      102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64,
      64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  test('header padded with spaces to a multiple of 8, so the data is aligned', () => {
    const out = serializeSafetensors({ attn0: { shape: [1, 1, 2, 3], data: floats(0, 1, 2, 3, 4, 5) } });
    expect(Array.from(out)).toEqual([
      72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51,
      50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111,
      102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32, 32, 32, 0, 0, 0, 0, 0, 0,
      128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  test('no tensors, with and without metadata', () => {
    expect(Array.from(serializeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(Array.from(serializeSafetensors({}, { framework: 'pt' }))).toEqual([
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114, 97,
      109, 101, 119, 111, 114, 107, 34, 58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
    ]);
  });

  test('layout: decreasing dtype alignment, then name; __metadata__ first with sorted keys', () => {
    const out = serializeSafetensors(
      {
        z_bool: { dtype: 'BOOL', shape: [1], data: new Uint8Array([1]) },
        b_f16: { dtype: 'F16', shape: [1], data: floats(1) },
        a_f32: { shape: [1], data: floats(1) },
        c_i64: { dtype: 'I64', shape: [1], data: new Int32Array([1]) },
        a_bf16: { dtype: 'BF16', shape: [1], data: floats(1) },
        a_i32: { shape: [1], data: new Int32Array([1]) },
        a_u8: { shape: [1], data: new Uint8Array([1]) },
        b_f32: { shape: [1], data: floats(1) },
      },
      { z: '1', a: '2' },
    );
    const { text, json } = headerOf(out);
    expect(Object.keys(json)).toEqual(['__metadata__', 'c_i64', 'a_f32', 'b_f32', 'a_i32', 'a_bf16', 'b_f16', 'a_u8', 'z_bool']);
    expect(text.startsWith('{"__metadata__":{"a":"2","z":"1"},"c_i64":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}')).toBe(true);
    // Every tensor starts at a multiple of its element size, counted from the start of the file.
    const dataStart = 8 + text.length;
    expect(dataStart % 8).toBe(0);
  });

  test('names are ordered by code point (UTF-8 byte order, as Rust), not by UTF-16 unit', () => {
    const out = serializeSafetensors({
      '\u{1F600}': { shape: [0], data: floats() },
      '\uFFFF': { shape: [0], data: floats() },
      'é': { shape: [0], data: floats() },
      Z: { shape: [0], data: floats() },
    });
    expect(Object.keys(headerOf(out).json)).toEqual(['Z', 'é', '\uFFFF', '\u{1F600}']);
  });
});

const WRITABLE: SafetensorsWritableDtype[] = ['F32', 'F16', 'BF16', 'I32', 'I64', 'U8', 'BOOL'];

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });
const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function tensorArb(dtype: SafetensorsWritableDtype): fc.Arbitrary<SafetensorsTensorInput> {
  return shapeArb.chain((shape) => {
    const n = sizeOf(shape);
    const ints = (min: number, max: number) => fc.array(fc.integer({ min, max }), { minLength: n, maxLength: n });
    const data: fc.Arbitrary<SafetensorsTensorInput['data']> =
      dtype === 'F32' || dtype === 'F16' || dtype === 'BF16'
        ? ints(0, 0xffffffff).map((w) => new Float32Array(Uint32Array.from(w).buffer))
        : dtype === 'I32' || dtype === 'I64'
          ? ints(-(2 ** 31), 2 ** 31 - 1).map((v) => Int32Array.from(v))
          : ints(0, dtype === 'BOOL' ? 1 : 255).map((v) => Uint8Array.from(v));
    return data.map((d) => ({ dtype, shape, data: d }));
  });
}

/** Largest |error| allowed when rounding x to a float with `mantissa` bits and smallest normal exponent `minExp`. */
function halfUlp(x: number, mantissa: number, minExp: number): number {
  const e = Math.max(Math.floor(Math.log2(Math.abs(x))), minExp);
  return 2 ** (e - mantissa) / 2;
}

describe('serializeSafetensors / parseSafetensors round trips', () => {
  test('parse(serialize(x)) == x exactly (bit for bit) for F32, I32, I64, U8, BOOL', () => {
    for (const dtype of ['F32', 'I32', 'I64', 'U8', 'BOOL'] as const) {
      fc.assert(
        fc.property(tensorArb(dtype), (t) => {
          const back = parseSafetensors(serializeSafetensors({ t })).tensors.get('t');
          expect(back?.dtype).toBe(dtype);
          expect(back?.shape).toEqual(t.shape);
          if (dtype === 'F32') expect(bits32(back?.data as Float32Array)).toEqual(bits32(t.data as Float32Array));
          else expect(Array.from(back?.data ?? [])).toEqual(Array.from(t.data));
        }),
        { numRuns: 60 },
      );
    }
  });

  test('F16 / BF16: parse(serialize(x)) is x rounded to nearest (within half an ulp; ±inf past the max)', () => {
    const formats = [
      { dtype: 'F16', mantissa: 10, minExp: -14, overflow: 65520 },
      { dtype: 'BF16', mantissa: 7, minExp: -126, overflow: 2 ** 128 - 2 ** 119 },
    ] as const;
    for (const f of formats) {
      fc.assert(
        fc.property(tensorArb(f.dtype), (t) => {
          const x = t.data as Float32Array;
          const y = parseSafetensors(serializeSafetensors({ t })).tensors.get('t')?.data as Float32Array;
          x.forEach((xi, i) => {
            const yi = y[i] as number;
            if (Number.isNaN(xi)) expect(yi).toBeNaN();
            else if (Math.abs(xi) >= f.overflow) expect(yi).toBe(Math.sign(xi) * Infinity);
            else if (xi === 0) expect(Object.is(yi, xi)).toBe(true);
            else {
              expect(Math.abs(yi - xi), `${f.dtype} x=${xi} y=${yi}`).toBeLessThanOrEqual(halfUlp(xi, f.mantissa, f.minExp));
              expect(Math.sign(yi) === Math.sign(xi) || yi === 0).toBe(true);
            }
          });
        }),
        { numRuns: 60 },
      );
    }
  });

  test('F16 / BF16: values the format can represent round-trip exactly (incl. subnormals, ±0, ±inf)', () => {
    const halfBits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((b) => Uint16Array.from(b));
    fc.assert(
      fc.property(halfBits, (b) => {
        // NaN payloads are not kept (NaN is written as torch writes it); everything else is exact.
        const f16 = f16BitsToFloat32(b).filter((v) => !Number.isNaN(v));
        const bf16 = bf16BitsToFloat32(b).filter((v) => !Number.isNaN(v));
        const back = parseSafetensors(
          serializeSafetensors({
            h: { dtype: 'F16', shape: [f16.length], data: f16 },
            b: { dtype: 'BF16', shape: [bf16.length], data: bf16 },
          }),
        ).tensors;
        expect(bits32(back.get('h')?.data as Float32Array)).toEqual(bits32(f16));
        expect(bits32(back.get('b')?.data as Float32Array)).toEqual(bits32(bf16));
      }),
      { numRuns: 100 },
    );
  });

  test('any record of tensors (any writable dtype, unicode names, 0-d and empty shapes) and metadata round-trips', () => {
    const exactDtypes = WRITABLE.filter((d) => d !== 'F16' && d !== 'BF16');
    const nameArb = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => s !== '__metadata__');
    const recordArb = fc.dictionary(nameArb, fc.constantFrom(...exactDtypes).chain(tensorArb), { maxKeys: 6 });
    const metadataArb = fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 16 }), {
      maxKeys: 4,
    });
    fc.assert(
      fc.property(recordArb, metadataArb, (record, metadata) => {
        const parsed = parseSafetensors(serializeSafetensors(record, metadata));
        expect(parsed.metadata).toEqual(metadata);
        expect(new Set(parsed.tensors.keys())).toEqual(new Set(Object.keys(record)));
        for (const [name, t] of Object.entries(record)) {
          const back = parsed.tensors.get(name);
          expect(back?.dtype).toBe(t.dtype);
          expect(back?.shape).toEqual(t.shape);
          const raw = (a: SafetensorsTensorInput['data']) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
          if (t.dtype !== 'I64') expect(raw(back?.data as SafetensorsTensorInput['data'])).toEqual(raw(t.data));
          else expect(Array.from(back?.data ?? [])).toEqual(Array.from(t.data));
        }
      }),
      { numRuns: 100 },
    );
  });

  test('serialize(parse(bytes)) == bytes for a file the serializer wrote', () => {
    const bytes = serializeSafetensors(
      { a: { dtype: 'F16', shape: [2], data: floats(1, -2) }, b: { dtype: 'I64', shape: [], data: new Int32Array([-5]) } },
      { k: 'v' },
    );
    const parsed = parseSafetensors(bytes);
    expect(serializeSafetensors(parsed.tensors, parsed.metadata)).toEqual(bytes);
  });

  test('a subarray view is written from its own bytes only', () => {
    const big = floats(9, 1, 2, 9);
    const back = parseSafetensors(serializeSafetensors({ x: { shape: [2], data: big.subarray(1, 3) } })).tensors.get('x');
    expect(Array.from(back?.data ?? [])).toEqual([1, 2]);
  });
});

describe('serializeSafetensors: invalid input is a SafetensorsError naming the tensor', () => {
  test('the reserved name __metadata__', () => {
    expectSafetensorsError(
      () => serializeSafetensors({ __metadata__: { shape: [1], data: floats(1) } }),
      "tensor '__metadata__'",
      'reserved',
    );
  });

  test('shape that does not match the data', () => {
    expectSafetensorsError(
      () => serializeSafetensors({ w: { shape: [2, 3], data: floats(1, 2) } }),
      "tensor 'w'",
      'shape [2, 3] has 6 elements; data has 2',
    );
    expectSafetensorsError(
      () => serializeSafetensors({ w: { shape: [-1], data: floats(1) } }),
      "tensor 'w'",
      'shape must be an array of non-negative integers',
    );
  });

  test('a dtype that cannot be written, or the wrong typed array for it', () => {
    expectSafetensorsError(
      () => serializeSafetensors({ w: { dtype: 'F64', shape: [1], data: floats(1) } }),
      "tensor 'w'",
      "cannot write dtype 'F64'",
      'expected one of F32, F16, BF16, I32, I64, U8, BOOL',
    );
    expectSafetensorsError(
      () => serializeSafetensors({ w: { dtype: 'F16', shape: [1], data: new Int32Array(1) } }),
      "tensor 'w'",
      'dtype F16 is written from a Float32Array; got Int32Array',
    );
    expectSafetensorsError(
      () => serializeSafetensors({ w: { shape: [1], data: new Float64Array(1) as unknown as Float32Array } }),
      "tensor 'w'",
      'data must be a Float32Array, Int32Array or Uint8Array; got Float64Array',
    );
  });

  test('BOOL values other than 0 and 1', () => {
    expectSafetensorsError(
      () => serializeSafetensors({ m: { dtype: 'BOOL', shape: [3], data: new Uint8Array([0, 1, 2]) } }),
      "tensor 'm'",
      'BOOL value 2 at flat index 2; expected 0 or 1',
    );
  });

  test('metadata values that are not strings', () => {
    expectSafetensorsError(
      () => serializeSafetensors({}, { epoch: 3 as unknown as string }),
      "metadata value of 'epoch' must be a string",
      'got number 3',
    );
  });
});
