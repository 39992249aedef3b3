// Reading `[CLS] A [SEP] B [SEP]` rows back from a prepared batch, checking their layout on the way.
import { expect } from 'vitest';
import type { Prepared } from '../src/index.js';

export const CLS = 101;
export const SEP = 102;
export const PAD = 0;

/** Row `b` of a prepared batch split at its [SEP]s: the two segments, their token types and the row's real length. */
export function readRow(prepared: Prepared, b: number) {
  const [, length] = prepared.inputs.inputIds!.shape as [number, number];
  const slice = (name: string) => Array.from(prepared.inputs[name]!.values.subarray(b * length, (b + 1) * length));
  const ids = slice('inputIds');
  const types = slice('tokenTypeIds');
  const attention = slice('attentionMask');
  const special = Array.from(prepared.specialTokensMask!.subarray(b * length, (b + 1) * length));
  const real = attention.indexOf(0) === -1 ? length : attention.indexOf(0);
  const sep1 = ids.indexOf(SEP);
  expect(ids[0]).toBe(CLS);
  expect(ids[real - 1]).toBe(SEP);
  expect(ids.slice(real).every((id) => id === PAD)).toBe(true);
  expect(types).toEqual(ids.map((_, t) => (t > sep1 && t < real ? 1 : 0)));
  expect(special).toEqual(ids.map((_, t) => (t === 0 || t === sep1 || t >= real - 1 ? 1 : 0)));
  return { first: ids.slice(1, sep1), second: ids.slice(sep1 + 1, real - 1), length };
}
