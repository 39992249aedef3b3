// Softmax cross-entropy and logSoftmax over rows: the loss keeps only a per-row log-sum-exp, and
// the gradient writes softmax - onehot straight into its one [N, V] output (no one-hot matrix).
import type { HostKernel } from './host-kernel.js';
import { f32, rowsCols } from './host-kernel.js';
import { ShapeError } from '../errors.js';

function rowLogSumExp(X: Float32Array, o: number, cols: number): number {
  let max = -Infinity;
  for (let c = 0; c < cols; c++) if (X[o + c]! > max) max = X[o + c]!;
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (let c = 0; c < cols; c++) s += Math.exp(X[o + c]! - max);
  return max + Math.log(s);
}

export const softmaxCrossEntropyHost: HostKernel = {
  kernelName: 'LlmkitSoftmaxCrossEntropy',
  run({ logits, labels }, attrs, mem) {
    const [rows, cols] = rowsCols(logits!);
    const lossInfo = mem.alloc([], 'float32');
    const lseInfo = mem.alloc([rows], 'float32');
    const X = f32(mem.view(logits!)), Y = mem.view(labels!) as Int32Array;
    const L = f32(mem.view(lossInfo)), LSE = f32(mem.view(lseInfo));
    const ignore = attrs.ignoreIndex as number;
    let total = 0, count = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const lse = rowLogSumExp(X, o, cols);
      LSE[r] = lse;
      const label = Y[r]!;
      if (label === ignore) continue;
      if (label < 0 || label >= cols) {
        throw new ShapeError(`softmaxCrossEntropy: label ${label} at row ${r} is outside [0, ${cols}) (ignoreIndex is ${ignore})`);
      }
      total += lse - X[o + label]!;
      count++;
    }
    L[0] = count > 0 ? total / count : 0;
    return [lossInfo, lseInfo];
  },
};

export const softmaxCrossEntropyGradHost: HostKernel = {
  kernelName: 'LlmkitSoftmaxCrossEntropyGrad',
  run({ logits, labels, lse, dy }, attrs, mem) {
    const [rows, cols] = rowsCols(logits!);
    const dInfo = mem.alloc(logits!.shape, 'float32');
    const X = f32(mem.view(logits!)), Y = mem.view(labels!) as Int32Array, LSE = f32(mem.view(lse!));
    const DY = f32(mem.view(dy!)), D = f32(mem.view(dInfo));
    const ignore = attrs.ignoreIndex as number;
    let count = 0;
    for (let r = 0; r < rows; r++) if (Y[r] !== ignore) count++;
    const scale = DY[0]! / Math.max(count, 1);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const label = Y[r]!;
      if (label === ignore) {
        D.fill(0, o, o + cols);
        continue;
      }
      const l = LSE[r]!;
      for (let c = 0; c < cols; c++) D[o + c] = Math.exp(X[o + c]! - l) * scale;
      D[o + label] = D[o + label]! - scale;
    }
    return [dInfo];
  },
};

export const logSoftmaxHost: HostKernel = {
  kernelName: 'LlmkitLogSoftmax',
  run({ x }, _attrs, mem) {
    const [rows, cols] = rowsCols(x!);
    const yInfo = mem.alloc(x!.shape, 'float32');
    const X = f32(mem.view(x!)), Y = f32(mem.view(yInfo));
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const lse = rowLogSumExp(X, o, cols);
      for (let c = 0; c < cols; c++) Y[o + c] = X[o + c]! - lse;
    }
    return [yInfo];
  },
};

export const logSoftmaxGradHost: HostKernel = {
  kernelName: 'LlmkitLogSoftmaxGrad',
  run({ dy, y }, _attrs, mem) {
    const [rows, cols] = rowsCols(y!);
    const dxInfo = mem.alloc(y!.shape, 'float32');
    const DY = f32(mem.view(dy!)), Y = f32(mem.view(y!)), DX = f32(mem.view(dxInfo));
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let s = 0;
      for (let c = 0; c < cols; c++) s += DY[o + c]!;
      for (let c = 0; c < cols; c++) DX[o + c] = DY[o + c]! - Math.exp(Y[o + c]!) * s;
    }
    return [dxInfo];
  },
};
