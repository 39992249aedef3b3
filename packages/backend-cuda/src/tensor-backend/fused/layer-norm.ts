// Fused LayerNorm for core's LlmkitLayerNorm / LlmkitLayerNormGrad on layer-norm.cu: one launch
// forward (y, mean, rstd), two backward (dx per row; dgamma/dbeta as column sums over row splits).
import { util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';

const ROWS_PER_SPLIT = 64;
const rowsOf = (x: TensorInfo) => ({ cols: x.shape[x.shape.length - 1]!, rows: util.sizeFromShape(x.shape.slice(0, -1)) });
const blockFor = (cols: number): [number] => [Math.min(256, Math.max(32, Math.ceil(cols / 32) * 32))];

export const layerNormForward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as CudaKernelBackend;
  const { x, gamma, beta } = inputs as Record<string, TensorInfo>;
  const { rows, cols } = rowsOf(x!);
  const rowShape = x!.shape.slice(0, -1);
  const y = b.output(x!.shape, 'float32'), mean = b.output(rowShape, 'float32'), rstd = b.output(rowShape, 'float32');
  if (rows > 0 && cols > 0) {
    b.launch('layer-norm', 'layer_norm_forward', [Math.min(rows, 65535)], blockFor(cols), [
      { ptr: b.pointer(x!) }, { ptr: b.pointer(gamma!) }, { ptr: b.pointer(beta!) }, { ptr: y.ptr }, { ptr: mean.ptr }, { ptr: rstd.ptr },
      { i32: rows }, { i32: cols }, { f32: attrs!.epsilon as number },
    ]);
  }
  return [y.info, mean.info, rstd.info];
};

export const layerNormBackward: KernelFunc = ({ inputs, backend }) => {
  const b = backend as CudaKernelBackend;
  const { dy, x, gamma, mean, rstd } = inputs as Record<string, TensorInfo>;
  const { rows, cols } = rowsOf(x!);
  const dx = b.output(x!.shape, 'float32'), dgamma = b.output([cols], 'float32'), dbeta = b.output([cols], 'float32');
  if (cols > 0) {
    // The parameter gradients accumulate with atomicAdd: start from zero.
    b.fill(dgamma.ptr!, 0, cols);
    b.fill(dbeta.ptr!, 0, cols);
  }
  if (rows > 0 && cols > 0) {
    b.launch('layer-norm', 'layer_norm_backward_dx', [Math.min(rows, 65535)], blockFor(cols), [
      { ptr: b.pointer(x!) }, { ptr: b.pointer(gamma!) }, { ptr: b.pointer(dy!) }, { ptr: b.pointer(mean!) }, { ptr: b.pointer(rstd!) }, { ptr: dx.ptr },
      { i32: rows }, { i32: cols },
    ]);
    b.launch('layer-norm', 'layer_norm_backward_params', [Math.ceil(cols / 256), Math.ceil(rows / ROWS_PER_SPLIT)], [256], [
      { ptr: b.pointer(x!) }, { ptr: b.pointer(dy!) }, { ptr: b.pointer(mean!) }, { ptr: b.pointer(rstd!) }, { ptr: dgamma.ptr }, { ptr: dbeta.ptr },
      { i32: rows }, { i32: cols }, { i32: ROWS_PER_SPLIT },
    ]);
  }
  return [dx.info, dgamma.info, dbeta.info];
};
