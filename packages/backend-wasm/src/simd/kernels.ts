// Core's fused composite kernels (GELU, LayerNorm, logSoftmax, softmax cross-entropy) run by the
// SIMD kernels of csrc/ on tfjs's heap; where those are not attached (see module.ts), by core's
// JavaScript host kernels, whose math they follow.
import { ShapeError } from '@llmkit/core';
import { hostKernels, type HostKernel } from '@llmkit/core/kernels';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelOverride } from '@llmkit/core';
import type { WasmBackendLike } from '../memory.js';
import { wasmMemory } from '../memory.js';
import { simdOf, type SimdExports } from './module.js';

type Run = (simd: SimdExports, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap, backend: WasmBackendLike) => TensorInfo[];

const size = (shape: readonly number[]) => shape.reduce((a, d) => a * d, 1);
const rowsCols = (t: TensorInfo): [number, number] => {
  const cols = t.shape.at(-1) ?? 1;
  return [cols === 0 ? 0 : size(t.shape) / cols, cols];
};

/** Byte offsets of tensors in tfjs's heap (taken after every output is allocated). */
function at(backend: WasmBackendLike, ...infos: TensorInfo[]): number[] {
  return infos.map((t) => backend.typedArrayFromHeap(t).byteOffset);
}

const runs: Record<string, Run> = {
  LlmkitGelu(simd, { x }, attrs, backend) {
    const y = backend.makeOutput([...x!.shape], 'float32');
    const [px, py] = at(backend, x!, y);
    (attrs.approximate === 'tanh' ? simd.gelu_tanh : simd.gelu_erf)(px!, py!, size(x!.shape));
    return [y];
  },
  LlmkitGeluGrad(simd, { dy, x }, attrs, backend) {
    const dx = backend.makeOutput([...x!.shape], 'float32');
    const [pdy, px, pdx] = at(backend, dy!, x!, dx);
    (attrs.approximate === 'tanh' ? simd.gelu_tanh_grad : simd.gelu_erf_grad)(pdy!, px!, pdx!, size(x!.shape));
    return [dx];
  },
  LlmkitLayerNorm(simd, { x, gamma, beta }, attrs, backend) {
    const [rows, cols] = rowsCols(x!);
    const y = backend.makeOutput([...x!.shape], 'float32');
    const mean = backend.makeOutput(x!.shape.slice(0, -1), 'float32');
    const rstd = backend.makeOutput(x!.shape.slice(0, -1), 'float32');
    const p = at(backend, x!, gamma!, beta!, y, mean, rstd);
    simd.layer_norm(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, rows, cols, attrs.epsilon as number);
    return [y, mean, rstd];
  },
  LlmkitLayerNormGrad(simd, { dy, x, gamma, mean, rstd }, _attrs, backend) {
    const [rows, cols] = rowsCols(x!);
    const dx = backend.makeOutput([...x!.shape], 'float32');
    const dg = backend.makeOutput([cols], 'float32');
    const db = backend.makeOutput([cols], 'float32');
    const p = at(backend, dy!, x!, gamma!, mean!, rstd!, dx, dg, db);
    simd.layer_norm_grad(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, p[7]!, rows, cols);
    return [dx, dg, db];
  },
  LlmkitLogSoftmax(simd, { x }, _attrs, backend) {
    const [rows, cols] = rowsCols(x!);
    const y = backend.makeOutput([...x!.shape], 'float32');
    const [px, py] = at(backend, x!, y);
    simd.log_softmax(px!, py!, rows, cols);
    return [y];
  },
  LlmkitLogSoftmaxGrad(simd, { dy, y }, _attrs, backend) {
    const [rows, cols] = rowsCols(y!);
    const dx = backend.makeOutput([...y!.shape], 'float32');
    const [pdy, py, pdx] = at(backend, dy!, y!, dx);
    simd.log_softmax_grad(pdy!, py!, pdx!, rows, cols);
    return [dx];
  },
  LlmkitSoftmaxCrossEntropy(simd, { logits, labels }, attrs, backend) {
    const [rows, cols] = rowsCols(logits!);
    const loss = backend.makeOutput([], 'float32');
    const lse = backend.makeOutput([rows], 'float32');
    const [px, plse] = at(backend, logits!, lse);
    simd.log_sum_exp_rows(px!, plse!, rows, cols);
    // The loss is a mean over rows of lse - logit[label]: a few thousand rows, summed here in
    // float64 after the labels are checked (the message is core's host kernel's).
    const X = backend.typedArrayFromHeap(logits!) as Float32Array, Y = backend.typedArrayFromHeap(labels!) as Int32Array;
    const LSE = backend.typedArrayFromHeap(lse) as Float32Array;
    const ignore = attrs.ignoreIndex as number;
    let total = 0, count = 0;
    for (let r = 0; r < rows; r++) {
      const label = Y[r]!;
      if (label === ignore) continue;
      if (label < 0 || label >= cols) {
        backend.disposeData(loss.dataId);
        backend.disposeData(lse.dataId);
        throw new ShapeError(`softmaxCrossEntropy: label ${label} at row ${r} is outside [0, ${cols}) (ignoreIndex is ${ignore})`);
      }
      total += LSE[r]! - X[r * cols + label]!;
      count++;
    }
    (backend.typedArrayFromHeap(loss) as Float32Array)[0] = count > 0 ? total / count : 0;
    return [loss, lse];
  },
  LlmkitSoftmaxCrossEntropyGrad(simd, { logits, labels, lse, dy }, attrs, backend) {
    const [rows, cols] = rowsCols(logits!);
    const d = backend.makeOutput([...logits!.shape], 'float32');
    const Y = backend.typedArrayFromHeap(labels!) as Int32Array;
    const ignore = attrs.ignoreIndex as number;
    let count = 0;
    for (let r = 0; r < rows; r++) if (Y[r] !== ignore) count++;
    const scale = (backend.typedArrayFromHeap(dy!) as Float32Array)[0]! / Math.max(count, 1);
    const [px, py, plse, pd] = at(backend, logits!, labels!, lse!, d);
    simd.softmax_cross_entropy_grad(px!, py!, plse!, pd!, rows, cols, ignore, scale);
    return [d];
  },
};

/** Kernel names the SIMD module implements. */
export const SIMD_KERNEL_NAMES = Object.keys(runs);

/**
 * Core's host kernels as overrides for tfjs-wasm: the SIMD version where the module is attached to
 * the backend's heap, the JavaScript one otherwise (and for the kernels without a SIMD version).
 */
export function wasmKernelOverrides(): KernelOverride[] {
  return hostKernels.map((host: HostKernel) => {
    const simdRun = runs[host.kernelName];
    const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) => {
      const simd = simdRun && simdOf(backend);
      const ins = inputs as unknown as Record<string, TensorInfo>;
      // Empty tensors and non-float inputs take the JavaScript path (nothing to vectorise).
      const outs =
        simd && Object.values(ins).every((t) => t.dtype !== 'float32' || size(t.shape) > 0)
          ? simdRun(simd, ins, attrs ?? {}, backend as unknown as WasmBackendLike)
          : host.run(ins, attrs ?? {}, wasmMemory(backend));
      return outs.length === 1 ? (outs[0] as TensorInfo) : outs;
    };
    return { kernelName: host.kernelName, kernelFunc };
  });
}
