// Fused RMSNorm (LlmkitRmsNorm and LlmkitRmsNormGrad) over the last axis, as core's default
// (packages/core/src/ops/rms-norm.ts): outputs y and rstd [...] = 1 / sqrt(mean(x^2) + eps) (x's
// shape without its last axis).
//   forward:  rstd (per row) -> y (per element).
//   backward: mean(g * xhat) with g = dy * gamma, xhat = x * rstd (per row) -> dx (per element);
//             dgamma (per column, summing over rows).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { release } from './program.js';
import { normGeometry, runColumnSum, runPerElement, runPerRow, view } from './norm-common.js';

export const rmsNormForwardKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, gamma } = inputs as Record<string, TensorInfo>;
  const be = backend as WebGPUBackend;
  const g = normGeometry(x!);
  const x2 = view(x!, [g.rows, g.c]);
  const rstd = runPerRow(be, g, {
    key: 'rms_rstd',
    inputs: [['x', x2]],
    uniforms: 'eps : f32,',
    uniformValues: [{ type: 'float32', data: [attrs?.epsilon as number] }],
    body: `
      var s = 0.0;
      for (var c = 0; c < C; c++) {
        let v = x[base + c];
        s += v * v;
      }
      result[row] = 1.0 / sqrt(s / fC + uniforms.eps);`,
  });
  const y = runPerElement(
    be,
    g,
    {
      key: 'rms_y',
      inputs: [['x', x2], ['rstd', rstd], ['gamma', gamma!]],
      body: `result[index] = x[index] * rstd[row] * f32(gamma[col]);`,
    },
    x!.shape,
  );
  return [y, view(rstd, g.rowShape)];
};

export const rmsNormBackwardKernel: KernelFunc = ({ inputs, backend }) => {
  const { dy, x, gamma, rstd } = inputs as Record<string, TensorInfo>;
  const be = backend as WebGPUBackend;
  const g = normGeometry(x!);
  const x2 = view(x!, [g.rows, g.c]);
  const dy2 = view(dy!, [g.rows, g.c]);
  const rstd1 = view(rstd!, [g.rows]);
  const sums = runPerRow(be, g, {
    key: 'rms_grad_rows',
    inputs: [['dy', dy2], ['x', x2], ['gamma', gamma!], ['rstd', rstd1]],
    body: `
      let rs = rstd[row];
      var s = 0.0;
      for (var c = 0; c < C; c++) { s += dy[base + c] * f32(gamma[c]) * x[base + c] * rs; }
      result[row] = s / fC;`,
  });
  const dx = runPerElement(
    be,
    g,
    {
      key: 'rms_dx',
      inputs: [['dy', dy2], ['x', x2], ['gamma', gamma!], ['rstd', rstd1], ['sums', sums]],
      body: `
      let rs = rstd[row];
      result[index] = rs * (dy[index] * f32(gamma[col]) - x[index] * rs * sums[row]);`,
    },
    x!.shape,
  );
  release(be, sums);
  const dgamma = runColumnSum(be, g, {
    key: 'rms_dgamma',
    inputs: [['dy', dy2], ['x', x2], ['rstd', rstd1]],
    term: 'dy[i] * x[i] * rstd[r]',
  });
  return [dx, view(dgamma, gamma!.shape)];
};
