// Fused causal/padded attention forward (LlmkitAttention): one pass over the keys per query row with
// an online softmax, never an [B,H,Tq,Tk] buffer. A workgroup takes WG query rows of one (batch,
// head) and streams K and V through workgroup memory in tiles of TK keys; each thread keeps its
// query row, the running max m, sum l and output accumulator in registers, rescaling once per tile.
// The program writes [y (rows*D) | lse (rows)] into one buffer, cut into y and lse by two copies.
// Outputs [y, lse] (lse [B,H,Tq] is what LlmkitAttentionGrad recomputes the probabilities from);
// dropout, other mask shapes and other dtypes run core's default math and output [y, probs].
import { compositeDefault } from '@llmkit/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { copyOut, pow2AtMost, release, runProgram, type ProgramSpec } from './program.js';
import { SHARED_TILES, fusedGeometry, queryRowPrologue, scoreSnippet, tileRows, type AttentionGeometry } from './attention-common.js';

function forwardSpec(g: AttentionGeometry, causal: boolean, shared = SHARED_TILES): ProgramSpec {
  const { b, h, tq, tk, d, hasMask } = g;
  const wg = pow2AtMost(tq, 64);
  const tile = tileRows(d);
  const blocks = Math.ceil(tq / wg);
  const rows = b * h * tq;
  return {
    key: `attn_fwd_d${d}_wg${wg}_t${tile}_c${causal ? 1 : 0}_m${hasMask ? 1 : 0}_s${shared ? 1 : 0}`,
    inputs: hasMask ? ['q', 'k', 'v', 'mask'] : ['q', 'k', 'v'],
    outputShape: [rows * (d + 1)],
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
  ${scoreSnippet(causal, hasMask)}

  fn main(index : i32) {
    ${queryRowPrologue(causal, hasMask)}

    var qr : array<f32, D>;
    var acc : array<f32, D>;
    let qBase = (bh * Tq + i) * D;
    for (var dd = 0; dd < D; dd++) {
      qr[dd] = 0.0;
      acc[dd] = 0.0;
      if (valid) { qr[dd] = q[qBase + dd]; }
    }
    var m = -3.0e38;
    var l = 0.0;
    var sc : array<f32, TK>;
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
        var tmax = m;
        for (var jj = 0; jj < n; jj++) {
          var s = -3.0e38;
          if (t0 + jj <= lastKey) {
            var dot = 0.0;
            for (var dd = 0; dd < D; dd++) { dot += qr[dd] * ${shared ? 'kT' : 'k'}[${shared ? '' : 'kvBase + '}jj * D + dd]; }
            s = score(dot, rowNone, maskBase, t0 + jj);
            tmax = max(tmax, s);
          }
          sc[jj] = s;
        }
        let corr = exp(m - tmax);
        l = l * corr;
        for (var dd = 0; dd < D; dd++) { acc[dd] = acc[dd] * corr; }
        for (var jj = 0; jj < n; jj++) {
          if (t0 + jj <= lastKey) {
            let p = exp(sc[jj] - tmax);
            l += p;
            for (var dd = 0; dd < D; dd++) { acc[dd] += p * ${shared ? 'vT' : 'v'}[${shared ? '' : 'kvBase + '}jj * D + dd]; }
          }
        }
        m = tmax;
      }
    }
    if (valid) {
      let inv = 1.0 / l;
      for (var dd = 0; dd < D; dd++) { result[qBase + dd] = acc[dd] * inv; }
      result[uniforms.numBH * Tq * D + bh * Tq + i] = m + log(l);
    }
  }
`,
  };
}

// Core's composition, for the cases the WGSL kernels do not cover.
const defaultKernel = compositeDefault('LlmkitAttention');

export const attentionForwardKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { q, k, v, mask, dropMask } = inputs as Record<string, TensorInfo>;
  const g = fusedGeometry(q!, k!, v!, mask!, dropMask!);
  if (g == null) return defaultKernel(args);
  const be = backend as WebGPUBackend;
  const causal = Boolean(attrs?.causal);
  const packed = runProgram(be, forwardSpec(g, causal), g.hasMask ? [q!, k!, v!, mask!] : [q!, k!, v!], [
    { type: 'float32', data: [attrs?.scale as number] },
    { type: 'int32', data: [g.b * g.h] },
  ]);
  const rows = g.b * g.h * g.tq;
  const y = copyOut(be, packed, 0, [g.b, g.h, g.tq, g.d]);
  const lse = copyOut(be, packed, rows * g.d, [g.b, g.h, g.tq]);
  release(be, packed);
  return [y, lse];
};
