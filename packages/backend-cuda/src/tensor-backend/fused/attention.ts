// Fused scaled dot-product attention for core's LlmkitAttention / LlmkitAttentionGrad on
// attention.cu (flash-style: no [Tq, Tk] buffer; the forward saves lse [B, H, Tq]). Handled: no mask
// or a padding bias of shape [B, 1, 1, Tk] (what core builds from a [B, Tk] mask), head dim <= 128,
// no dropout; anything else, and a backward given probabilities instead of lse, runs core's
// composition (compositeDefault).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { compositeDefault } from '@llmkit/core';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';

const MAX_D = 128;
const ROWS = 8; // warps per block in attention.cu (ATT_ROWS)

interface Geometry {
  b: number;
  h: number;
  tq: number;
  tk: number;
  d: number;
  bias: TensorInfo | null;
}

function geometry(q: TensorInfo, k: TensorInfo, v: TensorInfo, mask: TensorInfo, dropMask: TensorInfo): Geometry | null {
  if (q.shape.length !== 4 || dropMask.shape.length !== 0) return null;
  const [b, h, tq, d] = q.shape as [number, number, number, number];
  const tk = k.shape[2]!;
  if (d > MAX_D || d === 0 || tq === 0 || tk === 0 || v.shape[3] !== d) return null;
  if (mask.shape.length === 0) return { b, h, tq, tk, d, bias: null };
  const [mb, mh, mq, mk] = mask.shape;
  if (mask.shape.length === 4 && mb === b && mh === 1 && mq === 1 && mk === tk && mask.dtype === 'float32') return { b, h, tq, tk, d, bias: mask };
  return null;
}

const defaultForward = compositeDefault('LlmkitAttention');
const defaultBackward = compositeDefault('LlmkitAttentionGrad');

export const attentionForward: KernelFunc = (args) => {
  const { q, k, v, mask, dropMask } = args.inputs as Record<string, TensorInfo>;
  const g = geometry(q!, k!, v!, mask!, dropMask!);
  if (!g) return defaultForward(args);
  const be = args.backend as CudaKernelBackend;
  const y = be.output([g.b, g.h, g.tq, g.d], 'float32'), lse = be.output([g.b, g.h, g.tq], 'float32');
  be.launch('attention', 'attention_forward', [Math.ceil(g.tq / ROWS), g.b * g.h], [ROWS * 32], [
    { ptr: be.pointer(q!) }, { ptr: be.pointer(k!) }, { ptr: be.pointer(v!) }, { ptr: g.bias ? be.pointer(g.bias) : null }, { ptr: y.ptr }, { ptr: lse.ptr },
    { i32: g.h }, { i32: g.tq }, { i32: g.tk }, { i32: g.d }, { f32: args.attrs!.scale as number }, { i32: args.attrs!.causal ? 1 : 0 },
  ]);
  return [y.info, lse.info];
};

export const attentionBackward: KernelFunc = (args) => {
  const { dy, q, k, v, stat, dropMask, y, mask } = args.inputs as Record<string, TensorInfo>;
  const g = geometry(q!, k!, v!, mask!, dropMask!);
  if (!g || stat!.shape.length !== 3) return defaultBackward(args);
  const be = args.backend as CudaKernelBackend;
  const rows = g.b * g.h * g.tq;
  const delta = be.output([rows], 'float32');
  be.launch('attention', 'attention_backward_delta', [Math.ceil(rows / ROWS)], [ROWS * 32], [{ ptr: be.pointer(dy!) }, { ptr: be.pointer(y!) }, { ptr: delta.ptr }, { i32: rows }, { i32: g.d }]);
  const dq = be.output(q!.shape, 'float32'), dk = be.output(k!.shape, 'float32'), dv = be.output(v!.shape, 'float32');
  const common = [{ i32: g.h }, { i32: g.tq }, { i32: g.tk }, { i32: g.d }, { f32: args.attrs!.scale as number }, { i32: args.attrs!.causal ? 1 : 0 }];
  const qkv = [{ ptr: be.pointer(q!) }, { ptr: be.pointer(k!) }, { ptr: be.pointer(v!) }, { ptr: g.bias ? be.pointer(g.bias) : null }, { ptr: be.pointer(dy!) }, { ptr: be.pointer(stat!) }, { ptr: delta.ptr }];
  be.launch('attention', 'attention_backward_dq', [Math.ceil(g.tq / ROWS), g.b * g.h], [ROWS * 32], [...qkv, { ptr: dq.ptr }, ...common]);
  be.launch('attention', 'attention_backward_dkv', [Math.ceil(g.tk / ROWS), g.b * g.h], [ROWS * 32], [...qkv, { ptr: dk.ptr }, { ptr: dv.ptr }, ...common]);
  be.disposeData(delta.info.dataId);
  return [dq.info, dk.info, dv.info];
};
