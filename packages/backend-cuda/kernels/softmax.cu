// Softmax and log-softmax over the last axis, forward and backward: one block per row, max and sum
// in one online pass (running max rescales the running sum), so a row is read twice, not three times.
#include "llmkit.cuh"

// Online (max, sum of exp) of a row, reduced over the block.
__device__ __forceinline__ void row_max_sum(const float* r, int cols, float* scratch, float* m_out, float* s_out) {
  float m = -INFINITY, s = 0.f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    float v = r[c];
    if (v > m) {
      s = s * expf(m - v) + 1.f;
      m = v;
    } else {
      s += expf(v - m);
    }
  }
  float bm = block_max(m, scratch);
  s = m == -INFINITY ? 0.f : s * expf(m - bm);
  *s_out = block_sum(s, scratch);
  *m_out = bm;
}

extern "C" __global__ void softmax_forward(const float* __restrict__ x, float* __restrict__ out, int rows, int cols) {
  __shared__ float scratch[WARP];
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* r = x + (size_t)row * cols;
    float m, s;
    row_max_sum(r, cols, scratch, &m, &s);
    float inv = 1.f / s;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) out[(size_t)row * cols + c] = expf(r[c] - m) * inv;
  }
}

extern "C" __global__ void log_softmax_forward(const float* __restrict__ x, float* __restrict__ out, int rows, int cols) {
  __shared__ float scratch[WARP];
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* r = x + (size_t)row * cols;
    float m, s;
    row_max_sum(r, cols, scratch, &m, &s);
    float lse = m + logf(s);
    for (int c = threadIdx.x; c < cols; c += blockDim.x) out[(size_t)row * cols + c] = r[c] - lse;
  }
}

// dx = y * (dy - sum(dy * y)), y the softmax output.
extern "C" __global__ void softmax_backward(const float* __restrict__ y, const float* __restrict__ dy, float* __restrict__ dx, int rows, int cols) {
  __shared__ float scratch[WARP];
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    size_t base = (size_t)row * cols;
    float d = 0.f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) d += dy[base + c] * y[base + c];
    d = block_sum(d, scratch);
    for (int c = threadIdx.x; c < cols; c += blockDim.x) dx[base + c] = y[base + c] * (dy[base + c] - d);
  }
}

// dx = dy - exp(y) * sum(dy), y the log-softmax output.
extern "C" __global__ void log_softmax_backward(const float* __restrict__ y, const float* __restrict__ dy, float* __restrict__ dx, int rows, int cols) {
  __shared__ float scratch[WARP];
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    size_t base = (size_t)row * cols;
    float s = 0.f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) s += dy[base + c];
    s = block_sum(s, scratch);
    for (int c = threadIdx.x; c < cols; c += blockDim.x) dx[base + c] = dy[base + c] - expf(y[base + c]) * s;
  }
}
