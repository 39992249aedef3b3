// tfjs's _FusedMatMul (tf.fused.matMul: act(op(A)·op(B) + bias)) on cuBLASLt. A bias of one value
// per output column ([n], [1, n], [1, 1, n]) is Lt's BIAS epilogue, and ReLU fuses with it
// (RELU_BIAS); every other bias shape takes cuBLAS and the broadcasting add kernel, and the other
// activations (relu6, elu, leakyrelu, prelu, sigmoid) run as elementwise kernels after the product.
// tfjs's own gradient for the op (BatchMatMul, Sum, Reshape) needs nothing from this file.
import { util, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { ShapeError } from '@llmkit/core';
import type { CudaKernelBackend } from '../cuda-kernel-backend.js';
import { runBinary } from './binary.js';
import { matMulShape, runBatchMatMul } from './matmul.js';
import { kernel } from './shared.js';
import { runUnary } from './unary.js';

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'prelu', 'leakyrelu', 'sigmoid'] as const;
type Activation = (typeof ACTIVATIONS)[number];

/** A bias Lt can broadcast: float32, one value per output column, nothing else varying. */
export function biasFitsEpilogue(bias: TensorInfo, n: number, outRank: number): boolean {
  const s = bias.shape;
  return bias.dtype === 'float32' && s.length >= 1 && s.length <= outRank && s[s.length - 1] === n && s.slice(0, -1).every((d) => d === 1);
}

/** act(x) as tfjs's applyActivation defines it, from the elementwise kernels; consumes `x`. */
function applyActivation(backend: CudaKernelBackend, x: TensorInfo, activation: Activation, prelu: TensorInfo | undefined, alpha: number): TensorInfo {
  if (activation === 'linear') return x;
  const temps: TensorInfo[] = [x];
  const keep = (t: TensorInfo) => (temps.push(t), t);
  let out: TensorInfo;
  if (activation === 'relu') out = runUnary(backend, 'unary_relu', x);
  else if (activation === 'relu6') out = runUnary(backend, 'unary_clip', x, 'float32', [{ f32: 0 }, { f32: 6 }]);
  else if (activation === 'sigmoid') out = runUnary(backend, 'unary_sigmoid', x);
  else {
    // The negative part x - relu(x) = min(x, 0) and the positive part relu(x), recombined.
    const pos = keep(runUnary(backend, 'unary_relu', x));
    const neg = keep(runBinary(backend, 'binary_sub', x, pos, 'float32'));
    let scaled: TensorInfo;
    if (activation === 'elu') scaled = keep(runUnary(backend, 'unary_affine', keep(runUnary(backend, 'unary_exp', neg)), 'float32', [{ f32: 1 }, { f32: -1 }]));
    else if (activation === 'leakyrelu') scaled = keep(runUnary(backend, 'unary_affine', neg, 'float32', [{ f32: alpha }, { f32: 0 }]));
    else {
      if (!prelu) throw new ShapeError('_FusedMatMul: activation prelu needs preluActivationWeights');
      scaled = keep(runBinary(backend, 'binary_mul', neg, prelu, 'float32'));
    }
    out = runBinary(backend, 'binary_add', pos, scaled, 'float32');
  }
  for (const t of temps) if (t.dataId !== out.dataId) backend.disposeData(t.dataId);
  return out;
}

export const fusedMatMulKernels: KernelConfig[] = [
  kernel('_FusedMatMul', ({ inputs, backend, attrs }) => {
    const { a, b, bias, preluActivationWeights } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    const ta = Boolean(attrs.transposeA), tb = Boolean(attrs.transposeB);
    const activation = (attrs.activation ?? 'linear') as Activation;
    if (!ACTIVATIONS.includes(activation)) throw new ShapeError(`_FusedMatMul: activation must be one of ${ACTIVATIONS.join(', ')}; got '${String(activation)}'`);
    const alpha = Number(attrs.leakyreluAlpha ?? 0.2);
    const s = matMulShape('_FusedMatMul', a, b, ta, tb);
    const total = s.batch * s.m * s.n;
    const lt = bias && s.k > 0 && total > 0 && biasFitsEpilogue(bias, s.n, s.outShape.length) ? backend.cublasLtIfInstalled() : null;
    if (bias && lt) {
      // One cublasLtMatmul: product, bias and (for relu) the activation.
      const o = backend.output(s.outShape, 'float32');
      const fused = activation === 'relu';
      lt.gemmBiasRowMajor({
        m: s.m, n: s.n, k: s.k, a: backend.pointer(a)!, b: backend.pointer(b)!, c: o.ptr!, transposeA: ta, transposeB: tb,
        batch: s.batch, strideA: s.strideA, strideB: s.strideB, strideC: s.m * s.n, bias: backend.pointer(bias)!, activation: fused ? 'relu' : 'none',
      });
      return fused ? o.info : applyActivation(backend, o.info, activation, preluActivationWeights, alpha);
    }
    // Other bias shapes (and k = 0, empty outputs, or no cuBLASLt installed): cuBLAS, then the
    // broadcasting add, as tfjs-cpu composes it.
    let y = runBatchMatMul(backend, s, a, b, ta, tb);
    if (bias) {
      const sum = runBinary(backend, 'binary_add', y, bias, 'float32');
      backend.disposeData(y.dataId);
      y = sum;
    }
    if (util.sizeFromShape(y.shape) === 0) return y;
    return applyActivation(backend, y, activation, preluActivationWeights, alpha);
  }),
];
