// Fused LayerNorm (LlmkitLayerNorm and LlmkitLayerNormGrad) over the last axis, as core's default
// (packages/core/src/ops/layer-norm.ts): outputs y, mean [...], rstd [...] (x's shape without its
// last axis), biased variance computed in two passes (mean first, then the mean of squared
// deviations: exact for large values with a large mean, unlike E[x^2] - E[x]^2).
//   forward:  mean (per row) -> rstd (per row) -> y (per element).
//   backward: row sums mean(g), mean(g * xhat) with g = dy * gamma (per row, one [2 * rows] buffer)
//             -> dx (per element); dgamma and dbeta (per column, summing over rows).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { release } from './program.js';
import { normGeometry, runColumnSum, runPerElement, runPerRow, view } from './norm-common.js';

export const layerNormForwardKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, gamma, beta } = inputs as Record<string, TensorInfo>;
  const be = backend as WebGPUBackend;
  const g = normGeometry(x!);
  const x2 = view(x!, [g.rows, g.c]);
  const mean = runPerRow(be, g, {
    key: 'ln_mean',
    inputs: [['x', x2]],
    body: `
      var s = 0.0;
      for (var c = 0; c < C; c++) { s += x[base + c]; }
      result[row] = s / fC;`,
  });
  const rstd = runPerRow(be, g, {
    key: 'ln_rstd',
    inputs: [['x', x2], ['mean', mean]],
    uniforms: 'eps : f32,',
    uniformValues: [{ type: 'float32', data: [attrs?.epsilon as number] }],
    body: `
      let m = mean[row];
      var s = 0.0;
      for (var c = 0; c < C; c++) {
        let d = x[base + c] - m;
        s += d * d;
      }
      result[row] = 1.0 / sqrt(s / fC + uniforms.eps);`,
  });
  const y = runPerElement(
    be,
    g,
    {
      key: 'ln_y',
      inputs: [['x', x2], ['mean', mean], ['rstd', rstd], ['gamma', gamma!], ['beta', beta!]],
      body: `result[index] = (x[index] - mean[row]) * rstd[row] * f32(gamma[col]) + f32(beta[col]);`,
    },
    x!.shape,
  );
  return [y, view(mean, g.rowShape), view(rstd, g.rowShape)];
};

export const layerNormBackwardKernel: KernelFunc = ({ inputs, backend }) => {
  const { dy, x, gamma, mean, rstd } = inputs as Record<string, TensorInfo>;
  const be = backend as WebGPUBackend;
  const g = normGeometry(x!);
  const x2 = view(x!, [g.rows, g.c]);
  const dy2 = view(dy!, [g.rows, g.c]);
  const mean1 = view(mean!, [g.rows]);
  const rstd1 = view(rstd!, [g.rows]);
  // [mean(g) for each row | mean(g * xhat) for each row]
  const sums = runPerRow(
    be,
    g,
    {
      key: 'ln_grad_rows',
      inputs: [['dy', dy2], ['x', x2], ['gamma', gamma!], ['mean', mean1], ['rstd', rstd1]],
      body: `
      let m = mean[row];
      let rs = rstd[row];
      var sg = 0.0;
      var sgx = 0.0;
      for (var c = 0; c < C; c++) {
        let gv = dy[base + c] * f32(gamma[c]);
        sg += gv;
        sgx += gv * (x[base + c] - m) * rs;
      }
      result[row] = sg / fC;
      result[uniforms.rows + row] = sgx / fC;`,
    },
    2,
  );
  const dx = runPerElement(
    be,
    g,
    {
      key: 'ln_dx',
      inputs: [['dy', dy2], ['x', x2], ['gamma', gamma!], ['mean', mean1], ['rstd', rstd1], ['sums', sums]],
      body: `
      let rs = rstd[row];
      let xhat = (x[index] - mean[row]) * rs;
      let gv = dy[index] * f32(gamma[col]);
      result[index] = rs * (gv - sums[row] - xhat * sums[uniforms.rows + row]);`,
    },
    x!.shape,
  );
  release(be, sums);
  const dgamma = runColumnSum(be, g, {
    key: 'ln_dgamma',
    inputs: [['dy', dy2], ['x', x2], ['mean', mean1], ['rstd', rstd1]],
    term: 'dy[i] * (x[i] - mean[r]) * rstd[r]',
  });
  const dbeta = runColumnSum(be, g, { key: 'ln_dbeta', inputs: [['dy', dy2]], term: 'dy[i]' });
  return [dx, view(dgamma, gamma!.shape), view(dbeta, gamma!.shape)];
};
