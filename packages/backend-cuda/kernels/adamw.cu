// Fused multi-tensor AdamW (PyTorch's update, decoupled weight decay): one launch updates every
// parameter; blockIdx.y picks the tensor from a table in device memory, the x dimension strides
// over its elements. grad_scale multiplies the gradient first (gradient clipping's coefficient,
// loss-scale inversion), so clipping costs no extra pass.
#include "llmkit.cuh"

struct AdamTensor {
  float* param;
  const float* grad;
  float* m;
  float* v;
  int n;
  float weight_decay;
};

extern "C" __global__ void adamw_multi_tensor(const AdamTensor* __restrict__ tensors, float lr, float beta1, float beta2, float eps,
                                              float bias_correction1, float bias_correction2, float grad_scale) {
  AdamTensor t = tensors[blockIdx.y];
  FOR_EACH(i, t.n) {
    float g = t.grad[i] * grad_scale;
    float p = t.param[i] * (1.f - lr * t.weight_decay);
    float m = beta1 * t.m[i] + (1.f - beta1) * g;
    float v = beta2 * t.v[i] + (1.f - beta2) * g * g;
    t.m[i] = m;
    t.v[i] = v;
    float denom = sqrtf(v / bias_correction2) + eps;
    t.param[i] = p - lr * (m / bias_correction1) / denom;
  }
}

// Sum of squares of many tensors into one float (global gradient norm), same table layout;
// `out` zeroed by the caller. Block partials meet through atomicAdd.
extern "C" __global__ void sum_squares_multi_tensor(const AdamTensor* __restrict__ tensors, float* __restrict__ out) {
  __shared__ float scratch[WARP];
  AdamTensor t = tensors[blockIdx.y];
  float s = 0.f;
  FOR_EACH(i, t.n) s += t.grad[i] * t.grad[i];
  s = block_sum(s, scratch);
  if (threadIdx.x == 0) atomicAdd(out, s);
}

// core's LlmkitAdamW contract (packages/core/src/ops/adamw.ts), out of place: one launch updates
// every parameter, blockIdx.y picks the slot. The float32 operations are torch's, in core's order,
// each rounded on its own (the _rn intrinsics are never contracted into a fused multiply-add), so
// the result has the bits of core's default composition on tfjs-cpu.
struct AdamWSlot {
  const float* p;
  const float* g;
  const float* m;
  const float* v;
  float* p_out;
  float* m_out;
  float* v_out;
  int n;
  float decay; // 1 - lr * weight_decay (1: none; p * 1 is exact)
};

extern "C" __global__ void adamw_update(const AdamWSlot* __restrict__ slots, float beta1, float beta2, float one_minus_beta1,
                                        float one_minus_beta2, float eps, float step_size, float bias2_sqrt) {
  AdamWSlot s = slots[blockIdx.y];
  FOR_EACH(i, s.n) {
    float g = s.g[i];
    float m = __fadd_rn(__fmul_rn(s.m[i], beta1), __fmul_rn(g, one_minus_beta1));
    float v = __fadd_rn(__fmul_rn(s.v[i], beta2), __fmul_rn(__fmul_rn(g, g), one_minus_beta2));
    float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(v), bias2_sqrt), eps);
    s.p_out[i] = __fsub_rn(__fmul_rn(s.p[i], s.decay), __fmul_rn(__fdiv_rn(m, denom), step_size));
    s.m_out[i] = m;
    s.v_out[i] = v;
  }
}
