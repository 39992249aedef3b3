// Fused softmax cross-entropy for core's LlmkitSoftmaxCrossEntropy / ...Grad on
// softmax-cross-entropy.cu, PyTorch semantics: mean over rows whose label is not ignoreIndex (0 when
// every row is ignored). The labels are read on the host (N int32 values) to count the valid rows
// and to reject a label outside [0, V) with a ShapeError naming it, as tfjs-cpu's gather would fail.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ShapeError } from '@llmkit/core';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';
import { runBinary } from '../kernels/binary.js';
import { fillTensor } from '../kernels/shape.js';

function validCount(b: CudaKernelBackend, labels: TensorInfo, v: number, ignoreIndex: number): number {
  const values = b.readSync(labels.dataId) as Int32Array;
  let count = 0;
  values.forEach((label, r) => {
    if (label === ignoreIndex) return;
    if (label < 0 || label >= v) throw new ShapeError(`softmaxCrossEntropy: label ${label} at row ${r} is outside [0, ${v}) (ignoreIndex is ${ignoreIndex})`);
    count++;
  });
  return count;
}

const blockFor = (cols: number): [number] => [Math.min(256, Math.max(32, Math.ceil(cols / 32) * 32))];

export const crossEntropyForward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as CudaKernelBackend;
  const { logits, labels } = inputs as Record<string, TensorInfo>;
  const [n, v] = logits!.shape as [number, number];
  const ignoreIndex = attrs!.ignoreIndex as number;
  const count = validCount(b, labels!, v, ignoreIndex);
  const rowLoss = b.output([n], 'float32'), lse = b.output([n], 'float32'), sum = b.output([1], 'float32');
  if (n > 0) {
    b.launch('softmax-cross-entropy', 'xent_forward', [Math.min(n, 65535)], blockFor(v), [
      { ptr: b.pointer(logits!) }, { ptr: b.pointer(labels!) }, { ptr: rowLoss.ptr }, { ptr: lse.ptr }, { i32: n }, { i32: v }, { i32: ignoreIndex },
    ]);
    b.launch('reduce', 'reduce_sum', [1], blockFor(n), [{ ptr: rowLoss.ptr }, { ptr: sum.ptr }, { i32: 1 }, { i32: n }]);
  } else {
    b.fill(sum.ptr!, 0, 1);
  }
  const loss = b.output([], 'float32');
  b.launch('elementwise-unary', 'unary_affine', [1], [32], [{ ptr: sum.ptr }, { ptr: loss.ptr }, { i32: 1 }, { f32: 1 / Math.max(count, 1) }, { f32: 0 }]);
  b.disposeData(rowLoss.info.dataId);
  b.disposeData(sum.info.dataId);
  return [loss.info, lse.info];
};

export const crossEntropyBackward: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as CudaKernelBackend;
  const { logits, labels, lse, dy } = inputs as Record<string, TensorInfo>;
  const [n, v] = logits!.shape as [number, number];
  const ignoreIndex = attrs!.ignoreIndex as number;
  const count = validCount(b, labels!, v, ignoreIndex);
  // dloss per row = dy / count, without reading dy: a broadcast multiply of the scalar.
  const inv = fillTensor(b, [n], 'float32', 1 / Math.max(count, 1));
  const dRows = runBinary(b, 'binary_mul', inv, dy!, 'float32');
  const dlogits = b.output([n, v], 'float32');
  if (n * v > 0) {
    b.launch('softmax-cross-entropy', 'xent_backward', [Math.min(n, 65535)], blockFor(v), [
      { ptr: b.pointer(logits!) }, { ptr: b.pointer(labels!) }, { ptr: b.pointer(lse!) }, { ptr: b.pointer(dRows) }, { ptr: dlogits.ptr },
      { i32: n }, { i32: v }, { i32: ignoreIndex },
    ]);
  }
  b.disposeData(inv.dataId);
  b.disposeData(dRows.dataId);
  return [dlogits.info];
};
