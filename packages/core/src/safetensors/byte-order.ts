// safetensors is little-endian; typed arrays use the host's order. On the (rare) big-endian host
// the codecs swap bytes in place once, so the fast typed-array paths serve both.

export const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each `width`-byte element of `bytes` in place (width 2, 4 or 8). */
export function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a] as number;
      bytes[a] = bytes[b] as number;
      bytes[b] = t;
    }
  }
}

/** A fresh, 0-offset copy of `bytes` in little-endian order, viewed as the host's order. */
export function copyToHostOrder(bytes: Uint8Array, width: number): Uint8Array {
  // `new Uint8Array(view)` always copies; `.slice()` on a Node Buffer would return a view.
  const copy = new Uint8Array(bytes);
  if (!hostIsLittleEndian && width > 1) swapBytes(copy, width);
  return copy;
}
