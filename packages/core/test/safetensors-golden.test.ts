// Reads a file written by the reference implementation (huggingface safetensors 0.8 via
// packages/testkit/fixtures/safetensors/make_golden.py, torch 2.13). Tolerance: none; every value,
// the sign of zero and NaN included, must match golden.json, and re-serializing must reproduce the
// file byte for byte.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseSafetensors } from '../src/safetensors/parse.js';
import { serializeSafetensors } from '../src/safetensors/serialize.js';

const fixtures = new URL('../../testkit/fixtures/safetensors/', import.meta.url);
const golden = new Uint8Array(readFileSync(new URL('golden.safetensors', fixtures)));
const expected = JSON.parse(readFileSync(new URL('golden.json', fixtures), 'utf8')) as {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; values: (number | string)[] }>;
};

const special: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

describe('golden.safetensors (written by huggingface safetensors)', () => {
  const parsed = parseSafetensors(golden);

  test('metadata', () => {
    expect(parsed.metadata).toEqual(expected.metadata);
  });

  test('tensor names, dtypes and shapes (incl. a 0-d scalar and an empty [0, 3] tensor)', () => {
    expect([...parsed.tensors.keys()].sort()).toEqual(Object.keys(expected.tensors).sort());
    for (const [name, spec] of Object.entries(expected.tensors)) {
      const t = parsed.tensors.get(name);
      expect({ name, dtype: t?.dtype, shape: t?.shape }).toEqual({ name, dtype: spec.dtype, shape: spec.shape });
    }
    expect(parsed.tensors.get('scale')?.shape).toEqual([]);
    expect(parsed.tensors.get('empty')?.data.length).toBe(0);
  });

  test('every value exactly (F16 subnormals, ±0, ±inf, NaN; BF16; I64 at the int32 limits)', () => {
    for (const [name, spec] of Object.entries(expected.tensors)) {
      const got = Array.from(parsed.tensors.get(name)?.data ?? []);
      const want = spec.values.map((v) => (typeof v === 'string' ? (special[v] as number) : v));
      expect(got.length, name).toBe(want.length);
      got.forEach((g, i) => expect(Object.is(g, want[i]), `${name}[${i}]: ${g} vs ${want[i]}`).toBe(true));
    }
  });

  test('serialize(parse(golden)) reproduces the reference bytes exactly', () => {
    expect(serializeSafetensors(parsed.tensors, parsed.metadata)).toEqual(golden);
  });
});
