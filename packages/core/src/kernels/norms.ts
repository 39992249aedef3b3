// LayerNorm and RMSNorm forward/backward as single passes over rows (float64 accumulators).
import type { HostKernel } from './host-kernel.js';
import { f32, rowsCols } from './host-kernel.js';

export const layerNormHost: HostKernel = {
  kernelName: 'LlmkitLayerNorm',
  run({ x, gamma, beta }, attrs, mem) {
    const [rows, cols] = rowsCols(x!);
    const rowShape = x!.shape.slice(0, -1);
    const yInfo = mem.alloc(x!.shape, 'float32');
    const meanInfo = mem.alloc(rowShape, 'float32');
    const rstdInfo = mem.alloc(rowShape, 'float32');
    const X = f32(mem.view(x!)), G = f32(mem.view(gamma!)), B = f32(mem.view(beta!));
    const Y = f32(mem.view(yInfo)), M = f32(mem.view(meanInfo)), R = f32(mem.view(rstdInfo));
    const eps = attrs.epsilon as number;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let s = 0;
      for (let c = 0; c < cols; c++) s += X[o + c]!;
      const mean = s / cols;
      let v = 0;
      for (let c = 0; c < cols; c++) { const d = X[o + c]! - mean; v += d * d; }
      const rstd = 1 / Math.sqrt(v / cols + eps);
      for (let c = 0; c < cols; c++) Y[o + c] = (X[o + c]! - mean) * rstd * G[c]! + B[c]!;
      M[r] = mean;
      R[r] = rstd;
    }
    return [yInfo, meanInfo, rstdInfo];
  },
};

export const layerNormGradHost: HostKernel = {
  kernelName: 'LlmkitLayerNormGrad',
  run({ dy, x, gamma, mean, rstd }, _attrs, mem) {
    const [rows, cols] = rowsCols(x!);
    const dxInfo = mem.alloc(x!.shape, 'float32');
    const dgInfo = mem.alloc([cols], 'float32');
    const dbInfo = mem.alloc([cols], 'float32');
    const DY = f32(mem.view(dy!)), X = f32(mem.view(x!)), G = f32(mem.view(gamma!));
    const M = f32(mem.view(mean!)), R = f32(mem.view(rstd!));
    const DX = f32(mem.view(dxInfo)), DG = f32(mem.view(dgInfo)), DB = f32(mem.view(dbInfo));
    const dg = new Float64Array(cols), db = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const o = r * cols, m = M[r]!, rs = R[r]!;
      let sumG = 0, sumGX = 0;
      for (let c = 0; c < cols; c++) {
        const d = DY[o + c]!, xh = (X[o + c]! - m) * rs, g = d * G[c]!;
        dg[c]! += d * xh;
        db[c]! += d;
        sumG += g;
        sumGX += g * xh;
      }
      const meanG = sumG / cols, meanGX = sumGX / cols;
      for (let c = 0; c < cols; c++) {
        const xh = (X[o + c]! - m) * rs;
        DX[o + c] = rs * (DY[o + c]! * G[c]! - meanG - xh * meanGX);
      }
    }
    DG.set(dg);
    DB.set(db);
    return [dxInfo, dgInfo, dbInfo];
  },
};

export const rmsNormHost: HostKernel = {
  kernelName: 'LlmkitRmsNorm',
  run({ x, gamma }, attrs, mem) {
    const [rows, cols] = rowsCols(x!);
    const yInfo = mem.alloc(x!.shape, 'float32');
    const rstdInfo = mem.alloc(x!.shape.slice(0, -1), 'float32');
    const X = f32(mem.view(x!)), G = f32(mem.view(gamma!)), Y = f32(mem.view(yInfo)), R = f32(mem.view(rstdInfo));
    const eps = attrs.epsilon as number;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let s = 0;
      for (let c = 0; c < cols; c++) s += X[o + c]! * X[o + c]!;
      const rstd = 1 / Math.sqrt(s / cols + eps);
      for (let c = 0; c < cols; c++) Y[o + c] = X[o + c]! * rstd * G[c]!;
      R[r] = rstd;
    }
    return [yInfo, rstdInfo];
  },
};

export const rmsNormGradHost: HostKernel = {
  kernelName: 'LlmkitRmsNormGrad',
  run({ dy, x, gamma, rstd }, _attrs, mem) {
    const [rows, cols] = rowsCols(x!);
    const dxInfo = mem.alloc(x!.shape, 'float32');
    const dgInfo = mem.alloc([cols], 'float32');
    const DY = f32(mem.view(dy!)), X = f32(mem.view(x!)), G = f32(mem.view(gamma!)), R = f32(mem.view(rstd!));
    const DX = f32(mem.view(dxInfo)), DG = f32(mem.view(dgInfo));
    const dg = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const o = r * cols, rs = R[r]!;
      let sumGX = 0;
      for (let c = 0; c < cols; c++) {
        const d = DY[o + c]!, xh = X[o + c]! * rs;
        dg[c]! += d * xh;
        sumGX += d * G[c]! * xh;
      }
      const meanGX = sumGX / cols;
      for (let c = 0; c < cols; c++) DX[o + c] = rs * (DY[o + c]! * G[c]! - X[o + c]! * rs * meanGX);
    }
    DG.set(dg);
    return [dxInfo, dgInfo];
  },
};
