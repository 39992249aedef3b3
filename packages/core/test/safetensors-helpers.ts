// Shared by the safetensors tests: hand-crafted buffers (any header text, any data) and bit views.
import { expect } from 'vitest';
import { SafetensorsError } from '../src/errors.js';

/** A safetensors buffer with exactly this header (object or raw text, unpadded) and data. */
export function craft(header: unknown, data: Uint8Array | number[] = [], length?: number): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Little-endian bytes of typed-array values. */
export function le(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function bits32(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

/** Asserts that `fn` throws a SafetensorsError whose message contains every fragment. */
export function expectSafetensorsError(fn: () => unknown, ...fragments: (string | RegExp)[]): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(SafetensorsError.isInstance(error), `expected a SafetensorsError, got ${String(error)}`).toBe(true);
  const message = (error as Error).message;
  for (const f of fragments) {
    if (typeof f === 'string') expect(message).toContain(f);
    else expect(message).toMatch(f);
  }
}
