// IEEE binary16 (F16) and bfloat16 (BF16) <-> float32 conversion on raw bits.
// Widening is exact (subnormals, ±0, ±inf and NaN payloads included); narrowing rounds to
// nearest, ties to even, and writes every NaN as one canonical quiet NaN, F16 sign|0x7e00 and
// BF16 0x7fc0, the bits torch stores for a NaN literal (payloads are not kept).

/** Widens F16 bit patterns to float32 values (exact). */
export function f16BitsToFloat32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) {
    const h = src[i] as number;
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0x1f) {
      // inf or NaN: keep the payload in the top mantissa bits.
      bits[i] = (sign | 0x7f800000 | (mant << 13)) >>> 0;
    } else if (exp !== 0) {
      // Normal: rebias the exponent from 15 to 127.
      bits[i] = (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
    } else {
      // ±0 or subnormal: mant * 2^-24, exact in float32.
      out[i] = (sign !== 0 ? -mant : mant) * 2 ** -24;
      if (mant === 0) bits[i] = sign >>> 0;
    }
  }
  return out;
}

/** Widens BF16 bit patterns to float32 values (exact: bf16 is the top half of a float32). */
export function bf16BitsToFloat32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) bits[i] = ((src[i] as number) << 16) >>> 0;
  return out;
}

/** Narrows float32 values to F16 bit patterns, round to nearest even; overflow gives ±inf. */
export function float32ToF16Bits(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) out[i] = f32BitsToF16Bits(bits[i] as number);
  return out;
}

/** Narrows float32 values to BF16 bit patterns, round to nearest even; overflow gives ±inf. */
export function float32ToBf16Bits(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) {
    const x = bits[i] as number;
    if ((x & 0x7fffffff) > 0x7f800000) {
      out[i] = 0x7fc0;
    } else {
      // Adding 0x7fff plus the lowest kept bit rounds half to even; a carry into the exponent is
      // the correct result, up to and including overflow to inf.
      out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
    }
  }
  return out;
}

function f32BitsToF16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant !== 0 ? sign | 0x7e00 : sign | 0x7c00;
  if (exp >= 113) {
    // Normal in f16 (or overflow): exponent rebias 127 -> 15, keep 10 mantissa bits.
    let h = ((exp - 112) << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) !== 0)) h++;
    return sign | (h >= 0x7c00 ? 0x7c00 : h);
  }
  // Subnormal in f16 (units of 2^-24) or zero; below 2^-25 everything rounds to ±0.
  if (exp < 102) return sign;
  const m = mant | 0x800000;
  const shift = 126 - exp;
  let h = m >>> shift;
  const rest = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (h & 1) !== 0)) h++;
  return sign | h;
}
