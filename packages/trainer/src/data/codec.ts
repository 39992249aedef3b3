// Int32 arrays as base64 strings, so a pipeline state with a shuffle buffer stays compact plain JSON.

/** Base64 of the array's little-endian bytes. */
export function int32ToBase64(values: Int32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const B = (globalThis as { Buffer?: { from(b: Uint8Array): { toString(enc: string): string } } }).Buffer;
  if (B) return B.from(bytes).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The inverse of {@link int32ToBase64}. */
export function base64ToInt32(text: string): Int32Array {
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  const bytes = B ? B.from(text, 'base64') : Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const out = new Int32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Many int32 arrays as one base64 string plus their lengths. */
export function packArrays(arrays: readonly Int32Array[]): { lengths: number[]; data: string } {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const flat = new Int32Array(total);
  let at = 0;
  for (const a of arrays) {
    flat.set(a, at);
    at += a.length;
  }
  return { lengths: arrays.map((a) => a.length), data: int32ToBase64(flat) };
}

/** The inverse of {@link packArrays}. */
export function unpackArrays(packed: { lengths: number[]; data: string }): Int32Array[] {
  const flat = base64ToInt32(packed.data);
  const out: Int32Array[] = [];
  let at = 0;
  for (const n of packed.lengths) {
    out.push(flat.slice(at, at + n));
    at += n;
  }
  return out;
}
