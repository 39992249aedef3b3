// What the fused attention kernels support, and the WGSL they share: the masked, scaled score of a
// (query, key) pair computed exactly as core's default does (q.k * scale, + -1e9 for a causally
// hidden key, + the additive padding mask), so P = exp(score - lse) matches the default softmax.
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { isNone } from './program.js';

/** Largest head dimension the fused kernels take (per-thread accumulators are D floats). */
export const MAX_HEAD_DIM = 256;

export interface AttentionGeometry {
  b: number;
  h: number;
  tq: number;
  tk: number;
  d: number;
  hasMask: boolean;
}

/**
 * The geometry when the fused kernels cover the call: float32 q, k, v [B,H,T,D] with one D (up to
 * MAX_HEAD_DIM), no dropout, and no mask or an additive one shaped [B or 1, 1, 1, Tk]; else null.
 */
export function fusedGeometry(q: TensorInfo, k: TensorInfo, v: TensorInfo, mask: TensorInfo, dropMask: TensorInfo): AttentionGeometry | null {
  if (!isNone(dropMask)) return null;
  if (q.shape.length !== 4 || k.shape.length !== 4 || v.shape.length !== 4) return null;
  if (q.dtype !== 'float32' || k.dtype !== 'float32' || v.dtype !== 'float32') return null;
  const [b, h, tq, d] = q.shape as [number, number, number, number];
  const tk = k.shape[2] as number;
  if (k.shape[0] !== b || k.shape[1] !== h || k.shape[3] !== d) return null;
  if (v.shape[0] !== b || v.shape[1] !== h || v.shape[2] !== tk || v.shape[3] !== d) return null;
  if (d < 1 || d > MAX_HEAD_DIM || tq < 1 || tk < 1) return null;
  const hasMask = !isNone(mask);
  if (hasMask) {
    const s = mask.shape;
    if (mask.dtype !== 'float32' || s.length !== 4) return null;
    if (!(s[0] === 1 || s[0] === b) || s[1] !== 1 || s[2] !== 1 || s[3] !== tk) return null;
  }
  return { b, h, tq, tk, d, hasMask };
}

/** Keys per shared-memory tile for head dim d: two tiles (K and V, or Q and dY) of 8 KiB each at most. */
export function tileRows(d: number): number {
  return Math.max(1, Math.min(32, Math.floor(2048 / d)));
}

/**
 * WGSL `fn score(dot, rowNone, maskBase, j) -> f32`. `rowNone`: a causal query row that sees no key
 * (Tq > Tk); the default then adds -1e9 to every key, so the row attends (almost) uniformly.
 */
export function scoreSnippet(causal: boolean, hasMask: boolean): string {
  return `
  fn score(dot : f32, rowNone : bool, maskBase : i32, j : i32) -> f32 {
    var s = dot * uniforms.scale;
    ${causal ? 'if (rowNone) { s = s + -1e9; }' : ''}
    ${hasMask ? 's = s + mask[maskBase + j];' : ''}
    return s;
  }
`;
}

/** WGSL statements defining `maskBase` (the mask row of batch `bIdx`) in scope. */
export function maskBaseSnippet(hasMask: boolean): string {
  return hasMask ? 'let maskBase = select(0, bIdx * uniforms.kShape.z, uniforms.maskShape.x > 1);' : 'let maskBase = 0;';
}

/**
 * WGSL opening of `main` for kernels with one invocation per query row (the forward and the dq
 * pass): which (batch, head) and row block this workgroup takes, the row `i`, whether it is valid,
 * the mask row, the keys the workgroup can see (`kEnd`), and for causal rows seeing no key at all
 * (`rowNone`) the last key to visit. Declares tid, Tq, Tk, bh, i0, i, off, valid, bIdx, maskBase,
 * kEnd, rowNone, lastKey; needs `wgShared` and `WG` declared by the caller.
 */
export function queryRowPrologue(causal: boolean, hasMask: boolean): string {
  return `
    let tid = i32(localId.x);
    if (tid == 0) { wgShared = wgIndex(); }
    let wgLinear = workgroupUniformLoad(&wgShared);
    let Tq = uniforms.qShape.z;
    let Tk = uniforms.kShape.z;
    let blocks = (Tq + WG - 1) / WG;
    let bh = wgLinear / blocks;
    let i0 = (wgLinear - bh * blocks) * WG;
    let i = i0 + tid;
    let off = Tk - Tq;
    let valid = bh < uniforms.numBH && i < Tq;
    let bIdx = bh / uniforms.qShape.y;
    ${maskBaseSnippet(hasMask)}
    // Keys any row of this workgroup can see (uniform across the workgroup).
    var kEnd = select(0, Tk, bh < uniforms.numBH);
    ${causal ? 'if (i0 + off >= 0) { kEnd = min(kEnd, i0 + WG + off); }' : ''}
    let rowNone = ${causal ? 'i + off < 0' : 'false'};
    let lastKey = ${causal ? 'select(i + off, Tk - 1, rowNone)' : 'Tk - 1'};
`;
}

/**
 * Whether K/V (Q/dY) tiles go through workgroup memory (two barriers per tile). On SwiftShader this
 * measured 2-3x faster than reading the tiles from storage buffers in every invocation (see
 * bench/fused.mjs); false selects the barrier-free variant (kept for devices where it wins).
 */
export const SHARED_TILES = true;
