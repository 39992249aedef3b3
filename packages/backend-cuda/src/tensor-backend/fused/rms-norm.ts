// Fused RMSNorm for core's LlmkitRmsNorm / LlmkitRmsNormGrad on rms-norm.cu: one launch forward
// (y and 1/rms per row), two backward (dx per row; dgamma as column sums over row splits).
import { util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';

const ROWS_PER_SPLIT = 64;
const rowsOf = (x: TensorInfo) => ({ cols: x.shape[x.shape.length - 1]!, rows: util.sizeFromShape(x.shape.slice(0, -1)) });
const blockFor = (cols: number): [number] => [Math.min(256, Math.max(32, Math.ceil(cols / 32) * 32))];

export const rmsNormForward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as CudaKernelBackend;
  const { x, gamma } = inputs as Record<string, TensorInfo>;
  const { rows, cols } = rowsOf(x!);
  const y = b.output(x!.shape, 'float32'), rstd = b.output(x!.shape.slice(0, -1), 'float32');
  if (rows > 0 && cols > 0) {
    b.launch('rms-norm', 'rms_norm_forward', [Math.min(rows, 65535)], blockFor(cols), [
      { ptr: b.pointer(x!) }, { ptr: b.pointer(gamma!) }, { ptr: y.ptr }, { ptr: rstd.ptr }, { i32: rows }, { i32: cols }, { f32: attrs!.epsilon as number },
    ]);
  }
  return [y.info, rstd.info];
};

export const rmsNormBackward: KernelFunc = ({ inputs, backend }) => {
  const b = backend as CudaKernelBackend;
  const { dy, x, gamma, rstd } = inputs as Record<string, TensorInfo>;
  const { rows, cols } = rowsOf(x!);
  const dx = b.output(x!.shape, 'float32'), dgamma = b.output([cols], 'float32');
  // dgamma accumulates with atomicAdd: start from zero.
  if (cols > 0) b.fill(dgamma.ptr!, 0, cols);
  if (rows > 0 && cols > 0) {
    b.launch('rms-norm', 'rms_norm_backward_dx', [Math.min(rows, 65535)], blockFor(cols), [
      { ptr: b.pointer(x!) }, { ptr: b.pointer(gamma!) }, { ptr: b.pointer(dy!) }, { ptr: b.pointer(rstd!) }, { ptr: dx.ptr }, { i32: rows }, { i32: cols },
    ]);
    b.launch('rms-norm', 'rms_norm_backward_gamma', [Math.ceil(cols / 256), Math.ceil(rows / ROWS_PER_SPLIT)], [256], [
      { ptr: b.pointer(x!) }, { ptr: b.pointer(dy!) }, { ptr: b.pointer(rstd!) }, { ptr: dgamma.ptr }, { i32: rows }, { i32: cols }, { i32: ROWS_PER_SPLIT },
    ]);
  }
  return [dx.info, dgamma.info];
};
