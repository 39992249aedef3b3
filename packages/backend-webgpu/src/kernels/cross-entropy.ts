// Fused softmax cross-entropy (LlmkitSoftmaxCrossEntropy and its grad), PyTorch semantics: mean over
// rows whose label is not ignoreIndex, 0 when every row is ignored. No one-hot, no probability copy.
//   forward:  lse program (a workgroup per row: one pass, online max and sum of exp) -> lse [N];
//             loss program (one workgroup: sum over valid rows of lse - logit[label], / count).
//   backward: scale program (one workgroup: dy / max(count, 1)), then one pass over [N, V] writing
//             (exp(logit - lse) - onehot) * valid * scale.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { ShapeError } from '@llmkit/core';
import { release, runProgram } from './program.js';

const REDUCE_WG = 256;

function lse(backend: WebGPUBackend, logits: TensorInfo, n: number): TensorInfo {
  // One invocation per row: on SwiftShader (and small N) a barrier-free loop beats a workgroup
  // tree reduction per row by far (barriers switch fibers on every invocation).
  const wg = 64;
  return runProgram(backend, {
    key: 'ce_lse_row',
    inputs: ['logits'],
    outputShape: [n],
    workgroups: Math.ceil(n / wg),
    workgroupSize: wg,
    code: `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let V = uniforms.logitsShape.y;
      let base = index * V;
      var m = -3.4e38;
      for (var c = 0; c < V; c++) { m = max(m, logits[base + c]); }
      var s = 0.0;
      for (var c = 0; c < V; c++) { s += exp(logits[base + c] - m); }
      result[index] = m + log(s);
    }
  }
`,
  }, [logits]);
}

function loss(backend: WebGPUBackend, logits: TensorInfo, labels: TensorInfo, lseT: TensorInfo, ignoreIndex: number): TensorInfo {
  return runProgram(
    backend,
    {
      key: 'ce_loss',
      inputs: ['logits', 'labels', 'lse'],
      outputShape: [1],
      workgroups: 1,
      workgroupSize: REDUCE_WG,
      uniforms: 'ignoreIndex : i32,',
      code: `
  var<workgroup> buf : array<f32, ${REDUCE_WG}>;
  var<workgroup> cnt : array<f32, ${REDUCE_WG}>;
  fn main(index : i32) {
    let tid = i32(localId.x);
    let N = uniforms.labelsShape;
    let V = uniforms.logitsShape.y;
    var sum = 0.0;
    var c = 0.0;
    for (var r = tid; r < N; r += ${REDUCE_WG}) {
      let label = labels[r];
      if (label != uniforms.ignoreIndex) {
        if (label < 0 || label >= V) {
          // Out of range: a NaN loss (the trainer stops on it) rather than a clamped read.
          sum += uniforms.NAN;
        } else {
          sum += lse[r] - logits[r * V + label];
        }
        c += 1.0;
      }
    }
    buf[tid] = sum;
    cnt[tid] = c;
    for (var stride = ${REDUCE_WG / 2}; stride > 0; stride = stride / 2) {
      workgroupBarrier();
      if (tid < stride) {
        buf[tid] += buf[tid + stride];
        cnt[tid] += cnt[tid + stride];
      }
    }
    if (tid == 0) { result[0] = buf[0] / max(cnt[0], 1.0); }
  }
`,
    },
    [logits, labels, lseT],
    [{ type: 'int32', data: [ignoreIndex] }],
  );
}

/** Labels still on the host (the usual case: built from token ids) are checked there, for free. */
function checkHostLabels(backend: WebGPUBackend, labels: TensorInfo, v: number, ignoreIndex: number): void {
  const values = (backend as unknown as { tensorMap: { get(id: object): { values?: ArrayLike<number> | null } } }).tensorMap.get(labels.dataId)?.values;
  if (!values) return;
  for (let r = 0; r < values.length; r++) {
    const label = values[r]!;
    if (label !== ignoreIndex && (label < 0 || label >= v)) {
      throw new ShapeError(`softmaxCrossEntropy: label ${label} at row ${r} is outside [0, ${v}) (ignoreIndex is ${ignoreIndex})`);
    }
  }
}

export const crossEntropyForwardKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { logits, labels } = inputs as Record<string, TensorInfo>;
  const be = backend as WebGPUBackend;
  const n = logits!.shape[0] as number;
  checkHostLabels(be, labels!, logits!.shape[1] as number, attrs?.ignoreIndex as number);
  const lseT = lse(be, logits!, n);
  const l = loss(be, logits!, labels!, lseT, attrs?.ignoreIndex as number);
  return [{ dataId: l.dataId, shape: [], dtype: 'float32' }, lseT];
};

function gradScale(backend: WebGPUBackend, labels: TensorInfo, dy: TensorInfo, ignoreIndex: number): TensorInfo {
  return runProgram(
    backend,
    {
      key: 'ce_grad_scale',
      inputs: ['labels', 'dy'],
      outputShape: [1],
      workgroups: 1,
      workgroupSize: REDUCE_WG,
      uniforms: 'ignoreIndex : i32,',
      code: `
  var<workgroup> cnt : array<f32, ${REDUCE_WG}>;
  fn main(index : i32) {
    let tid = i32(localId.x);
    let N = uniforms.labelsShape;
    var c = 0.0;
    for (var r = tid; r < N; r += ${REDUCE_WG}) {
      if (labels[r] != uniforms.ignoreIndex) { c += 1.0; }
    }
    cnt[tid] = c;
    for (var stride = ${REDUCE_WG / 2}; stride > 0; stride = stride / 2) {
      workgroupBarrier();
      if (tid < stride) { cnt[tid] += cnt[tid + stride]; }
    }
    if (tid == 0) { result[0] = dy[0] / max(cnt[0], 1.0); }
  }
`,
    },
    [labels, dy],
    [{ type: 'int32', data: [ignoreIndex] }],
  );
}

export const crossEntropyBackwardKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { logits, labels, lse: lseT, dy } = inputs as Record<string, TensorInfo>;
  const be = backend as WebGPUBackend;
  const [n, v] = logits!.shape as [number, number];
  const ignoreIndex = attrs?.ignoreIndex as number;
  const scale = gradScale(be, labels!, dy!, ignoreIndex);
  const wg = 256;
  const out = runProgram(
    be,
    {
      key: 'ce_grad',
      inputs: ['logits', 'labels', 'lse', 'gscale'],
      outputShape: [n, v],
      workgroups: Math.ceil((n * v) / wg),
      workgroupSize: wg,
      uniforms: 'ignoreIndex : i32,',
      code: `
  fn main(index : i32) {
    if (index < uniforms.size) {
      let V = uniforms.logitsShape.y;
      let row = index / V;
      let col = index - row * V;
      let label = labels[row];
      var g = 0.0;
      if (label != uniforms.ignoreIndex) {
        g = (exp(logits[index] - lse[row]) - select(0.0, 1.0, col == label)) * gscale[0];
      }
      result[index] = g;
    }
  }
`,
    },
    [logits!, labels!, lseT!, scale],
    [{ type: 'int32', data: [ignoreIndex] }],
  );
  release(be, scale);
  return out;
};
