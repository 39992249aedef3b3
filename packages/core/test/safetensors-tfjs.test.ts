import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { safetensorsToTensors, tensorsToSafetensors } from '../src/safetensors/tfjs.js';
import { parseSafetensors } from '../src/safetensors/parse.js';
import { serializeSafetensors } from '../src/safetensors/serialize.js';
import { craft, expectSafetensorsError, le } from './safetensors-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('tensorsToSafetensors / safetensorsToTensors', () => {
  test('float32, int32 and bool tensors round-trip with their dtype, shape and values', async () => {
    const input = {
      w: tf.tensor2d([[1.5, -2], [0, 3.25]]),
      ids: tf.tensor1d([7, -1, 2 ** 31 - 1], 'int32'),
      mask: tf.tensor1d([true, false, true], 'bool'),
      s: tf.scalar(2.5),
      e: tf.zeros([0, 3]),
    };
    const bytes = await tensorsToSafetensors(input, { format: 'pt' });
    const out = safetensorsToTensors(bytes);
    expect(Object.keys(out).sort()).toEqual(Object.keys(input).sort());
    for (const [name, t] of Object.entries(input)) {
      const o = out[name] as tf.Tensor;
      expect({ name, dtype: o.dtype, shape: o.shape }).toEqual({ name, dtype: t.dtype, shape: t.shape });
      expect(Array.from(await o.data())).toEqual(Array.from(await t.data()));
    }
    expect(parseSafetensors(bytes).metadata).toEqual({ format: 'pt' });
    tf.dispose([...Object.values(input), ...Object.values(out)]);
  });

  test('floatDtype F16 / BF16 stores floats narrowed (round to nearest even)', async () => {
    const x = tf.tensor1d([1 / 3, 65504, 1e6]);
    const f16 = parseSafetensors(await tensorsToSafetensors({ x }, undefined, { floatDtype: 'F16' })).tensors.get('x');
    expect(f16?.dtype).toBe('F16');
    expect(Array.from(f16?.data ?? [])).toEqual([0.333251953125, 65504, Infinity]);
    const bf16 = parseSafetensors(await tensorsToSafetensors({ x }, undefined, { floatDtype: 'BF16' })).tensors.get('x');
    expect(Array.from(bf16?.data ?? [])).toEqual([0.333984375, 65536, 999424]);
    x.dispose();
  });

  test('the header lists tensors as the reference does: by dtype alignment, then name', async () => {
    const t = { b: tf.scalar(1), a: tf.scalar(1), i: tf.scalar(1, 'int32') };
    const bytes = await tensorsToSafetensors(t);
    expect([...parseSafetensors(bytes).tensors.keys()]).toEqual(['a', 'b', 'i']);
    tf.dispose(Object.values(t));
  });

  test('reading widens: F16/BF16/F64 to float32, I64/U8 to int32, BOOL to bool', () => {
    const bytes = serializeSafetensors({
      h: { dtype: 'F16', shape: [1], data: new Float32Array([0.5]) },
      l: { dtype: 'I64', shape: [2], data: new Int32Array([-3, 4]) },
      u: { dtype: 'U8', shape: [1], data: new Uint8Array([200]) },
      m: { dtype: 'BOOL', shape: [1], data: new Uint8Array([1]) },
    });
    const out = safetensorsToTensors(bytes);
    expect(Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.dtype]))).toEqual({
      l: 'int32',
      h: 'float32',
      u: 'int32',
      m: 'bool',
    });
    expect(Array.from(out.u?.dataSync() ?? [])).toEqual([200]);
    const f64 = safetensorsToTensors(craft({ d: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, le(new Float64Array([0.1]))));
    expect(f64.d?.dtype).toBe('float32');
    expect(f64.d?.dataSync()[0]).toBe(Math.fround(0.1));
    tf.dispose([...Object.values(out), ...Object.values(f64)]);
  });

  test('a tensor named __proto__ is an own key of the result', () => {
    const out = safetensorsToTensors(serializeSafetensors(new Map([['__proto__', { shape: [1], data: new Float32Array([1]) }]])));
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    tf.dispose(Object.values(out));
  });

  test('no tensor leaks: writing creates none; reading creates exactly one per entry', async () => {
    const input = { a: tf.ones([3, 4]), b: tf.tensor1d([1, 2], 'int32') };
    const before = tf.memory().numTensors;
    const bytes = await tensorsToSafetensors(input);
    expect(tf.memory().numTensors).toBe(before);
    const out = safetensorsToTensors(bytes);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose(Object.values(out));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(input));
  });

  test('no tensor leaks on failure: a bad buffer or an out-of-range I64 creates no tensor', () => {
    const before = tf.memory().numTensors;
    const bytes = craft(
      {
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        z: { dtype: 'I64', shape: [1], data_offsets: [4, 12] },
      },
      [...le(new Float32Array([1])), ...le(new BigInt64Array([2n ** 40n]))],
    );
    expectSafetensorsError(() => safetensorsToTensors(bytes), "tensor 'z'", 'I64 value 1099511627776');
    expectSafetensorsError(() => safetensorsToTensors(bytes.subarray(0, 10)), 'truncated');
    expect(tf.memory().numTensors).toBe(before);
  });

  test('unsupported tensor dtypes and disposed tensors are rejected by name', async () => {
    const c = tf.complex([1], [2]);
    await expect(tensorsToSafetensors({ c })).rejects.toThrow("tensor 'c' has dtype complex64; expected float32, int32 or bool");
    c.dispose();
    const d = tf.scalar(1);
    d.dispose();
    await expect(tensorsToSafetensors({ d })).rejects.toThrow("tensor 'd' is disposed");
  });

  test('golden.safetensors (reference-written) loads as tensors', () => {
    const golden = readFileSync(new URL('../../testkit/fixtures/safetensors/golden.safetensors', import.meta.url));
    const before = tf.memory().numTensors;
    const out = safetensorsToTensors(golden);
    expect(out.ids?.dtype).toBe('int32');
    expect(Array.from(out.ids?.dataSync() ?? [])).toEqual([0, -1, 2147483647, -2147483648, 42]);
    expect(out.empty?.shape).toEqual([0, 3]);
    expect(out.scale?.shape).toEqual([]);
    tf.dispose(Object.values(out));
    expect(tf.memory().numTensors).toBe(before);
  });
});
