// GELU forward and backward, exact (erf) and tanh-approximated (GPT-2's), elementwise.
#include "llmkit.cuh"

#define SQRT_2_OVER_PI 0.7978845608028654f
#define INV_SQRT_2 0.7071067811865476f
#define INV_SQRT_2PI 0.3989422804014327f

extern "C" __global__ void gelu_erf_forward(const float* __restrict__ x, float* __restrict__ y, int n) {
  FOR_EACH(i, n) {
    float v = x[i];
    y[i] = 0.5f * v * (1.f + erff(v * INV_SQRT_2));
  }
}

// d/dx [x Φ(x)] = Φ(x) + x φ(x).
extern "C" __global__ void gelu_erf_backward(const float* __restrict__ x, const float* __restrict__ dy, float* __restrict__ dx, int n) {
  FOR_EACH(i, n) {
    float v = x[i];
    float cdf = 0.5f * (1.f + erff(v * INV_SQRT_2));
    float pdf = INV_SQRT_2PI * expf(-0.5f * v * v);
    dx[i] = dy[i] * (cdf + v * pdf);
  }
}

extern "C" __global__ void gelu_tanh_forward(const float* __restrict__ x, float* __restrict__ y, int n) {
  FOR_EACH(i, n) {
    float v = x[i];
    float u = SQRT_2_OVER_PI * (v + 0.044715f * v * v * v);
    y[i] = 0.5f * v * (1.f + tanhf(u));
  }
}

extern "C" __global__ void gelu_tanh_backward(const float* __restrict__ x, const float* __restrict__ dy, float* __restrict__ dx, int n) {
  FOR_EACH(i, n) {
    float v = x[i];
    float u = SQRT_2_OVER_PI * (v + 0.044715f * v * v * v);
    float t = tanhf(u);
    float du = SQRT_2_OVER_PI * (1.f + 3.f * 0.044715f * v * v);
    dx[i] = dy[i] * (0.5f * (1.f + t) + 0.5f * v * (1.f - t * t) * du);
  }
}
