// Fused attention backward (LlmkitAttentionGrad) from the saved log-sum-exp: the probabilities are
// recomputed per (query, key) pair, P = exp(score - lse), never stored as [B,H,Tq,Tk].
//   program 1, per query row i (K, V tiles in workgroup memory):
//     delta_i = dy_i . y_i,  dq_i = scale * sum_j P_ij (dy_i . v_j - delta_i) k_j
//     -> [dq (rows*D) | delta | shift | logL (rows each)]
//     A fully masked row (every score ~ -1e9: the default attends uniformly) has an lse that fp32
//     cannot tell from its scores (log(Tk) is lost next to 1e9); for those rows (lse < -5e8) this
//     program first recomputes the row max and log-sum, and P = exp((score - shift) - logL)
//     (shift = lse, logL = 0 for every other row).
//   program 2, per key row j (Q, dY, delta, shift, logL tiles in workgroup memory):
//     dk_j = scale * sum_i P_ij (dy_i . v_j - delta_i) q_i,  dv_j = sum_i P_ij dy_i
//     -> [dk (rowsK*D) | dv (rowsK*D)], P from program 1's shift and logL
// then copies cut dq, dk, dv out. A saved probs matrix (rank 4: the default forward ran), dropout
// or an unsupported mask run core's default math instead.
import { compositeDefault } from '@llmkit/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { copyOut, pow2AtMost, release, runProgram, type ProgramSpec } from './program.js';
import { SHARED_TILES, fusedGeometry, maskBaseSnippet, queryRowPrologue, scoreSnippet, tileRows, type AttentionGeometry } from './attention-common.js';

function dqSpec(g: AttentionGeometry, causal: boolean, shared = SHARED_TILES): ProgramSpec {
  const { b, h, tq, d, hasMask } = g;
  const wg = pow2AtMost(tq, 64);
  const tile = tileRows(d);
  const blocks = Math.ceil(tq / wg);
  return {
    key: `attn_dq_d${d}_wg${wg}_t${tile}_c${causal ? 1 : 0}_m${hasMask ? 1 : 0}_s${shared ? 1 : 0}`,
    inputs: hasMask ? ['q', 'k', 'v', 'dy', 'y', 'lse', 'mask'] : ['q', 'k', 'v', 'dy', 'y', 'lse'],
    outputShape: [b * h * tq * (d + 3)],
    workgroups: b * h * blocks,
    workgroupSize: wg,
    uniforms: 'scale : f32, numBH : i32,',
    code: `
  const D = ${d};
  const TK = ${tile};
  const WG = ${wg};
  ${shared ? `var<workgroup> kT : array<f32, ${tile * d}>;
  var<workgroup> vT : array<f32, ${tile * d}>;` : ''}
  var<workgroup> wgShared : i32;
  var<workgroup> maskedRows : array<i32, WG>;
  var<workgroup> anyMaskedShared : i32;
  ${scoreSnippet(causal, hasMask)}

  fn main(index : i32) {
    ${queryRowPrologue(causal, hasMask)}

    var qr : array<f32, D>;
    var dyr : array<f32, D>;
    var dq : array<f32, D>;
    let qBase = (bh * Tq + i) * D;
    var delta = 0.0;
    var rowLse = 0.0;
    for (var dd = 0; dd < D; dd++) {
      qr[dd] = 0.0;
      dyr[dd] = 0.0;
      dq[dd] = 0.0;
      if (valid) {
        qr[dd] = q[qBase + dd];
        dyr[dd] = dy[qBase + dd];
        delta += dyr[dd] * y[qBase + dd];
      }
    }
    if (valid) { rowLse = lse[bh * Tq + i]; }
    let fullyMasked = valid && rowLse < -5e8;
    var shift = rowLse;
    var logL = 0.0;
    maskedRows[tid] = select(0, 1, fullyMasked);
    workgroupBarrier();
    if (tid == 0) {
      var any = 0;
      for (var r = 0; r < WG; r++) { any = any | maskedRows[r]; }
      anyMaskedShared = any;
    }
    if (workgroupUniformLoad(&anyMaskedShared) != 0) {
      // Fully masked rows: the max and sum of exp over the (rounded) scores, as the default softmax.
      var m = -3.0e38;
      var l = 0.0;
      for (var t0 = 0; t0 < kEnd; t0 += TK) {
        let kvBase = (bh * Tk + t0) * D;
        let n = min(TK, Tk - t0);
        ${shared ? `workgroupBarrier();
        for (var e = tid; e < n * D; e += WG) { kT[e] = k[kvBase + e]; }
        workgroupBarrier();` : ''}
        if (fullyMasked) {
          for (var jj = 0; jj < n; jj++) {
            if (t0 + jj <= lastKey) {
              var dot = 0.0;
              for (var dd = 0; dd < D; dd++) { dot += qr[dd] * ${shared ? 'kT' : 'k'}[${shared ? '' : 'kvBase + '}jj * D + dd]; }
              let s = score(dot, rowNone, maskBase, t0 + jj);
              if (s > m) { l = l * exp(m - s); m = s; }
              l += exp(s - m);
            }
          }
        }
      }
      if (fullyMasked) {
        shift = m;
        logL = log(l);
      }
    }
    for (var t0 = 0; t0 < kEnd; t0 += TK) {
      let kvBase = (bh * Tk + t0) * D;
      let n = min(TK, Tk - t0);
      ${shared ? `workgroupBarrier();
      for (var e = tid; e < n * D; e += WG) {
        kT[e] = k[kvBase + e];
        vT[e] = v[kvBase + e];
      }
      workgroupBarrier();` : ''}
      if (valid) {
        for (var jj = 0; jj < n; jj++) {
          if (t0 + jj <= lastKey) {
            var dot = 0.0;
            var dp = 0.0;
            for (var dd = 0; dd < D; dd++) {
              dot += qr[dd] * ${shared ? 'kT' : 'k'}[${shared ? '' : 'kvBase + '}jj * D + dd];
              dp += dyr[dd] * ${shared ? 'vT' : 'v'}[${shared ? '' : 'kvBase + '}jj * D + dd];
            }
            let p = exp((score(dot, rowNone, maskBase, t0 + jj) - shift) - logL);
            let ds = p * (dp - delta);
            for (var dd = 0; dd < D; dd++) { dq[dd] += ds * ${shared ? 'kT' : 'k'}[${shared ? '' : 'kvBase + '}jj * D + dd]; }
          }
        }
      }
    }
    if (valid) {
      for (var dd = 0; dd < D; dd++) { result[qBase + dd] = dq[dd] * uniforms.scale; }
      let rows = uniforms.numBH * Tq;
      result[rows * D + bh * Tq + i] = delta;
      result[rows * (D + 1) + bh * Tq + i] = shift;
      result[rows * (D + 2) + bh * Tq + i] = logL;
    }
  }
`,
  };
}

function dkvSpec(g: AttentionGeometry, causal: boolean, shared = SHARED_TILES): ProgramSpec {
  const { b, h, tk, d, hasMask } = g;
  const wg = pow2AtMost(tk, 64);
  const tile = tileRows(d);
  const blocks = Math.ceil(tk / wg);
  return {
    key: `attn_dkv_d${d}_wg${wg}_t${tile}_c${causal ? 1 : 0}_m${hasMask ? 1 : 0}_s${shared ? 1 : 0}`,
    inputs: hasMask ? ['q', 'k', 'v', 'dy', 'dqd', 'mask'] : ['q', 'k', 'v', 'dy', 'dqd'],
    outputShape: [2 * b * h * tk * d],
    workgroups: b * h * blocks,
    workgroupSize: wg,
    uniforms: 'scale : f32, numBH : i32,',
    code: `
  const D = ${d};
  const TQ = ${tile};
  const WG = ${wg};
  ${shared ? `var<workgroup> qT : array<f32, ${tile * d}>;
  var<workgroup> dyT : array<f32, ${tile * d}>;
  var<workgroup> shiftT : array<f32, TQ>;
  var<workgroup> logLT : array<f32, TQ>;
  var<workgroup> deltaT : array<f32, TQ>;` : ''}
  var<workgroup> wgShared : i32;
  ${scoreSnippet(causal, hasMask)}

  fn main(index : i32) {
    let tid = i32(localId.x);
    if (tid == 0) { wgShared = wgIndex(); }
    let wgLinear = workgroupUniformLoad(&wgShared);
    let Tq = uniforms.qShape.z;
    let Tk = uniforms.kShape.z;
    let blocks = (Tk + WG - 1) / WG;
    let bh = wgLinear / blocks;
    let j0 = (wgLinear - bh * blocks) * WG;
    let j = j0 + tid;
    let off = Tk - Tq;
    let valid = bh < uniforms.numBH && j < Tk;
    let bIdx = bh / uniforms.qShape.y;
    ${maskBaseSnippet(hasMask)}
    let qEnd = select(0, Tq, bh < uniforms.numBH);
    // Queries that can see a key of this workgroup start at j0 - off (rows seeing none exist only when off < 0).
    let qStart = ${causal ? 'select(0, max(0, j0 - off), off >= 0)' : '0'};
    let rowsQ = uniforms.numBH * Tq;
    let deltaBase = rowsQ * D + bh * Tq;

    var kr : array<f32, D>;
    var vr : array<f32, D>;
    var dk : array<f32, D>;
    var dv : array<f32, D>;
    let kBase = (bh * Tk + j) * D;
    for (var dd = 0; dd < D; dd++) {
      kr[dd] = 0.0;
      vr[dd] = 0.0;
      dk[dd] = 0.0;
      dv[dd] = 0.0;
      if (valid) {
        kr[dd] = k[kBase + dd];
        vr[dd] = v[kBase + dd];
      }
    }
    for (var t0 = qStart; t0 < qEnd; t0 += TQ) {
      let qBase = (bh * Tq + t0) * D;
      let n = min(TQ, Tq - t0);
      ${shared ? `workgroupBarrier();
      for (var e = tid; e < n * D; e += WG) {
        qT[e] = q[qBase + e];
        dyT[e] = dy[qBase + e];
      }
      for (var e = tid; e < n; e += WG) {
        deltaT[e] = dqd[deltaBase + t0 + e];
        shiftT[e] = dqd[deltaBase + rowsQ + t0 + e];
        logLT[e] = dqd[deltaBase + 2 * rowsQ + t0 + e];
      }
      workgroupBarrier();` : ''}
      if (valid) {
        for (var ii = 0; ii < n; ii++) {
          let i = t0 + ii;
          let rowNone = ${causal ? 'i + off < 0' : 'false'};
          if (${causal ? 'rowNone || j <= i + off' : 'true'}) {
            var dot = 0.0;
            var dp = 0.0;
            for (var dd = 0; dd < D; dd++) {
              dot += ${shared ? 'qT' : 'q'}[${shared ? '' : 'qBase + '}ii * D + dd] * kr[dd];
              dp += ${shared ? 'dyT' : 'dy'}[${shared ? '' : 'qBase + '}ii * D + dd] * vr[dd];
            }
            let p = exp((score(dot, rowNone, maskBase, j) - ${shared ? 'shiftT[ii]' : 'dqd[deltaBase + rowsQ + t0 + ii]'}) - ${shared ? 'logLT[ii]' : 'dqd[deltaBase + 2 * rowsQ + t0 + ii]'});
            let ds = p * (dp - ${shared ? 'deltaT[ii]' : 'dqd[deltaBase + t0 + ii]'});
            for (var dd = 0; dd < D; dd++) {
              dk[dd] += ds * ${shared ? 'qT' : 'q'}[${shared ? '' : 'qBase + '}ii * D + dd];
              dv[dd] += p * ${shared ? 'dyT' : 'dy'}[${shared ? '' : 'qBase + '}ii * D + dd];
            }
          }
        }
      }
    }
    if (valid) {
      let dvBase = uniforms.numBH * Tk * D;
      for (var dd = 0; dd < D; dd++) {
        result[kBase + dd] = dk[dd] * uniforms.scale;
        result[dvBase + kBase + dd] = dv[dd];
      }
    }
  }
`,
  };
}

// Core's composition, for the cases the WGSL kernels do not cover.
const defaultKernel = compositeDefault('LlmkitAttentionGrad');

export const attentionBackwardKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { dy, q, k, v, stat, dropMask, y, mask } = inputs as Record<string, TensorInfo>;
  const g = stat!.shape.length === 3 ? fusedGeometry(q!, k!, v!, mask!, dropMask!) : null;
  if (g == null) return defaultKernel(args);
  const be = backend as WebGPUBackend;
  const causal = Boolean(attrs?.causal);
  const uniforms = [
    { type: 'float32' as const, data: [attrs?.scale as number] },
    { type: 'int32' as const, data: [g.b * g.h] },
  ];
  const m = g.hasMask ? [mask!] : [];
  const dqd = runProgram(be, dqSpec(g, causal), [q!, k!, v!, dy!, y!, stat!, ...m], uniforms);
  const dkv = runProgram(be, dkvSpec(g, causal), [q!, k!, v!, dy!, dqd, ...m], uniforms);
  const kShape = [g.b, g.h, g.tk, g.d];
  const dq = copyOut(be, dqd, 0, [g.b, g.h, g.tq, g.d]);
  const dk = copyOut(be, dkv, 0, kShape);
  const dv = copyOut(be, dkv, g.b * g.h * g.tk * g.d, kShape);
  release(be, dqd);
  release(be, dkv);
  return [dq, dk, dv];
};
