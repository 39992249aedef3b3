// RMSNorm over the last axis (y = x / rms(x) * gamma), forward saving 1/rms per row, and backward:
// dx per row, dgamma as split column sums (atomicAdd into a zeroed output).
#include "llmkit.cuh"

extern "C" __global__ void rms_norm_forward(const float* __restrict__ x, const float* __restrict__ gamma, float* __restrict__ y,
                                            float* __restrict__ rrms_out, int rows, int cols, float eps) {
  __shared__ float scratch[WARP];
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* r = x + (size_t)row * cols;
    float q = 0.f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) q += r[c] * r[c];
    float rr = rsqrtf(block_sum(q, scratch) / (float)cols + eps);
    for (int c = threadIdx.x; c < cols; c += blockDim.x) y[(size_t)row * cols + c] = r[c] * rr * gamma[c];
    if (threadIdx.x == 0) rrms_out[row] = rr;
  }
}

// dx = rr * (g - x̂ * mean(g * x̂)), g = dy * gamma, x̂ = x * rr.
extern "C" __global__ void rms_norm_backward_dx(const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ dy,
                                                const float* __restrict__ rrms, float* __restrict__ dx, int rows, int cols) {
  __shared__ float scratch[WARP];
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    size_t base = (size_t)row * cols;
    float rr = rrms[row];
    float s = 0.f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) s += dy[base + c] * gamma[c] * x[base + c] * rr;
    float m = block_sum(s, scratch) / (float)cols;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) dx[base + c] = rr * (dy[base + c] * gamma[c] - x[base + c] * rr * m);
  }
}

extern "C" __global__ void rms_norm_backward_gamma(const float* __restrict__ x, const float* __restrict__ dy, const float* __restrict__ rrms,
                                                   float* __restrict__ dgamma, int rows, int cols, int rows_per_split) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= cols) return;
  int r0 = blockIdx.y * rows_per_split, r1 = min(rows, r0 + rows_per_split);
  float g = 0.f;
  for (int r = r0; r < r1; ++r) {
    size_t i = (size_t)r * cols + c;
    g += dy[i] * x[i] * rrms[r];
  }
  atomicAdd(dgamma + c, g);
}
