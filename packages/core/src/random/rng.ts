// The seeded random number generator: xoshiro128** on 32-bit integer ops, seeded and forked
// through SplitMix64, so one seed gives the same stream on every platform and backend.
import { ConfigError } from '../errors.js';

const MASK64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
const TWO_POW_63 = 1n << 63n;
const TWO_POW_64 = 1n << 64n;
const ALGORITHM = 'xoshiro128**';

/**
 * The whole state of an {@link Rng} as plain JSON values, from {@link Rng.getState}: save it
 * with a training checkpoint and {@link Rng.setState} continues the exact same stream.
 */
export interface RngState {
  /** Always `'xoshiro128**'`; another value is rejected on restore. */
  algorithm: string;
  /** The 64-bit stream key (seed or fork path) as 16 hex digits; `fork` derives from it. */
  key: string;
  /** The four 32-bit words of xoshiro128** state, as unsigned integers. */
  s: [number, number, number, number];
  /** The second value of the last Box–Muller pair, not yet returned by `normal()`. */
  spare: number | null;
}

/** SplitMix64's output function (Stafford's Mix13): a bijection on 64-bit integers. */
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** FNV-1a 64 over bytes, then mixed: hashes a fork label to a 64-bit integer. */
function hashBytes(bytes: Uint8Array): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & MASK64;
  return mix64(h);
}

function seedToKey(seed: number | bigint): bigint {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed)) {
      throw new ConfigError(`Rng seed: expected a safe integer or a bigint, got ${seed}`);
    }
    seed = BigInt(seed);
  } else if (typeof seed !== 'bigint') {
    throw new ConfigError(`Rng seed: expected a number or a bigint, got ${typeof seed}`);
  }
  if (seed < -TWO_POW_63 || seed >= TWO_POW_64) {
    throw new ConfigError(`Rng seed: expected an integer in [-2^63, 2^64), got ${seed}`);
  }
  return BigInt.asUintN(64, seed);
}

/** The float32 one step from float32 `f` towards +Infinity (`up`) or -Infinity. */
function float32Step(f: number, up: boolean): number {
  const buf = new Float32Array([f]);
  const bits = new Int32Array(buf.buffer);
  if (f === 0) bits[0] = up ? 1 : 0x80000001 | 0; // the smallest subnormal of that sign
  else if (f > 0 === up) bits[0]! += 1; // the magnitude grows
  else bits[0]! -= 1;
  return buf[0]!;
}

/** The largest float32 strictly below `x`. */
function float32Below(x: number): number {
  const f = Math.fround(x);
  return f < x ? f : float32Step(f, false);
}

/** The smallest float32 at or above `x`. */
function float32AtOrAbove(x: number): number {
  const f = Math.fround(x);
  return f >= x ? f : float32Step(f, true);
}

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new ConfigError(`${what}: n must be a non-negative integer, got ${n}`);
  }
}

/**
 * A seeded generator of random numbers (xoshiro128**, period 2^128 - 1).
 *
 * The same seed gives the same `nextUint32`/`nextFloat` sequence on every platform: the
 * generator uses only 32-bit integer ops. `normal()` also uses `Math.log`, `Math.cos` and
 * `Math.sin`, whose last bit ECMAScript leaves to the engine; V8 (Node, Chrome, Deno) and
 * SpiderMonkey both use fdlibm and agree exactly.
 *
 * ```ts
 * const rng = new Rng(42);
 * const w = rng.fork('h.0.attn.c_attn.weight').normalArray(768 * 2304, 0, 0.02);
 * ```
 */
export class Rng {
  private key: bigint;
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /**
   * @param seed an integer in [-2^63, 2^64) (a safe integer when given as a number); negative
   *   seeds wrap modulo 2^64, as in `torch.manual_seed`.
   */
  constructor(seed: number | bigint) {
    this.key = seedToKey(seed);
    this.reseed();
  }

  /** Fills the 128-bit state from the key with SplitMix64, as xoshiro's authors recommend. */
  private reseed(): void {
    const a = mix64((this.key + GOLDEN_GAMMA) & MASK64);
    const b = mix64((this.key + 2n * GOLDEN_GAMMA) & MASK64);
    this.s0 = Number(a & 0xffffffffn);
    this.s1 = Number(a >> 32n);
    this.s2 = Number(b & 0xffffffffn);
    this.s3 = Number(b >> 32n);
    // xoshiro's one forbidden state; SplitMix64 never yields two zero words in a row.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = null;
  }

  /** The next uniformly distributed integer in [0, 2^32). */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /**
   * The next uniform float64 in [0, 1) with 53-bit resolution: every multiple of 2^-53 is
   * equally likely. Uses two `nextUint32()` draws (27 high bits of the first, 26 of the second).
   */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * TWO_POW_26 + lo) / TWO_POW_53;
  }

  /**
   * An unbiased integer in [0, bound), for 1 <= bound <= 2^32: `nextUint32() % bound`, redrawn
   * while the draw falls in the last, partial block of `2^32 mod bound` values.
   */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 2 ** 32) {
      throw new ConfigError(`Rng.nextInt: bound must be an integer in [1, 2^32], got ${bound}`);
    }
    const limit = 2 ** 32 - (2 ** 32 % bound);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % bound;
    }
  }

  /**
   * The next standard normal N(0, 1) sample, by the Box–Muller transform in float64. Samples
   * come in pairs from two `nextFloat()` draws; the second is kept (and saved by `getState`)
   * for the next call.
   */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.nextFloat(); // (0, 1], so the log is finite
    const u2 = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    // `+ 0` turns -0 into +0 so the spare survives a JSON round trip bit for bit.
    this.spare = r * Math.sin(theta) + 0;
    return r * Math.cos(theta);
  }

  /**
   * `n` uniform samples in [lo, hi) as float32: element i is `lo + (hi - lo) * nextFloat()`
   * rounded to float32, then clamped into [lo, hi) where that rounding left the interval
   * (to the nearest float32 inside it). Throws if no float32 lies in [lo, hi).
   */
  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    checkCount(n, 'Rng.uniformArray');
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) {
      throw new ConfigError(`Rng.uniformArray: expected finite lo < hi, got lo=${lo}, hi=${hi}`);
    }
    const first = float32AtOrAbove(lo);
    const last = float32Below(hi);
    if (!(first < hi)) {
      throw new ConfigError(`Rng.uniformArray: no float32 value lies in [lo=${lo}, hi=${hi})`);
    }
    const out = new Float32Array(n);
    const width = hi - lo;
    for (let i = 0; i < n; i++) {
      const v = Math.fround(lo + width * this.nextFloat());
      out[i] = v < lo ? first : v < hi ? v : last;
    }
    return out;
  }

  /** `n` normal samples `mean + std * normal()` as float32 (the same stream as `normal()`). */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    checkCount(n, 'Rng.normalArray');
    if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
      throw new ConfigError(`Rng.normalArray: expected finite mean and std >= 0, got mean=${mean}, std=${std}`);
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /**
   * A new, independent generator derived from this one's key and `label` (a parameter path
   * such as `'h.0.attn.c_attn.weight'`, or an index). It depends only on the seed and the chain
   * of fork labels, not on how many numbers were drawn, and drawing from it leaves this
   * generator untouched: so `new Rng(s).fork('x')` is the same stream wherever it is made.
   * Labels `0` and `'0'` give different streams.
   */
  fork(label: string | number): Rng {
    let tagged: Uint8Array;
    if (typeof label === 'number') {
      if (!Number.isSafeInteger(label) || label < 0) {
        throw new ConfigError(`Rng.fork: an index label must be a non-negative safe integer, got ${label}`);
      }
      tagged = new Uint8Array(9);
      tagged[0] = 1;
      new DataView(tagged.buffer).setBigUint64(1, BigInt(label), true);
    } else if (typeof label === 'string') {
      const utf8 = new TextEncoder().encode(label);
      tagged = new Uint8Array(utf8.length + 1);
      tagged[0] = 2;
      tagged.set(utf8, 1);
    } else {
      throw new ConfigError(`Rng.fork: label must be a string or a number, got ${typeof label}`);
    }
    const child = Object.create(Rng.prototype) as Rng;
    child.key = mix64(mix64((this.key + GOLDEN_GAMMA) & MASK64) ^ hashBytes(tagged));
    child.reseed();
    return child;
  }

  /** The whole state as a JSON-serializable object (a copy). */
  getState(): RngState {
    return {
      algorithm: ALGORITHM,
      key: this.key.toString(16).padStart(16, '0'),
      s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spare: this.spare,
    };
  }

  /** Restores a state from {@link getState}; the stream continues exactly where it was. */
  setState(state: RngState): void {
    if (typeof state !== 'object' || state === null) {
      throw new ConfigError(`Rng.setState: expected a state object, got ${state === null ? 'null' : typeof state}`);
    }
    if (state.algorithm !== ALGORITHM) {
      throw new ConfigError(`Rng.setState: algorithm: expected '${ALGORITHM}', got ${JSON.stringify(state.algorithm)}`);
    }
    if (typeof state.key !== 'string' || !/^[0-9a-f]{16}$/.test(state.key)) {
      throw new ConfigError(`Rng.setState: key: expected 16 lowercase hex digits, got ${JSON.stringify(state.key)}`);
    }
    const s = state.s;
    if (!Array.isArray(s) || s.length !== 4 || !s.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
      throw new ConfigError(`Rng.setState: s: expected 4 integers in [0, 2^32), got ${JSON.stringify(s)}`);
    }
    if ((s[0] | s[1] | s[2] | s[3]) === 0) {
      throw new ConfigError('Rng.setState: s: expected a non-zero state, got [0, 0, 0, 0]');
    }
    if (state.spare !== null && !Number.isFinite(state.spare)) {
      throw new ConfigError(`Rng.setState: spare: expected null or a finite number, got ${JSON.stringify(state.spare)}`);
    }
    this.key = BigInt(`0x${state.key}`);
    [this.s0, this.s1, this.s2, this.s3] = [s[0] | 0, s[1] | 0, s[2] | 0, s[3] | 0];
    this.spare = state.spare;
  }
}
