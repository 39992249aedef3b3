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
