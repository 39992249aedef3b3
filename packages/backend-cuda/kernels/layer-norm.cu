// LayerNorm over the last axis, forward and backward. The forward saves mean and 1/std per row; the
// variance is two-pass (mean first) as PyTorch's, not E[x²]-E[x]². The backward computes dx per row
// (one block a row) and dgamma/dbeta as column sums split over row ranges (atomicAdd into zeroed
// outputs), recomputing x̂ from the saved statistics instead of storing it.
#include "llmkit.cuh"

extern "C" __global__ void layer_norm_forward(const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ beta,
                                              float* __restrict__ y, float* __restrict__ mean_out, float* __restrict__ rstd_out,
                                              int rows, int cols, float eps) {
  __shared__ float scratch[WARP];
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* r = x + (size_t)row * cols;
    float s = 0.f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) s += r[c];
    float mean = block_sum(s, scratch) / (float)cols;
    float q = 0.f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
      float d = r[c] - mean;
      q += d * d;
    }
    float rstd = rsqrtf(block_sum(q, scratch) / (float)cols + eps);
    for (int c = threadIdx.x; c < cols; c += blockDim.x) y[(size_t)row * cols + c] = (r[c] - mean) * rstd * gamma[c] + beta[c];
    if (threadIdx.x == 0) {
      mean_out[row] = mean;
      rstd_out[row] = rstd;
    }
  }
}

// dx = rstd * (g - mean(g) - x̂ * mean(g * x̂)), g = dy * gamma.
extern "C" __global__ void layer_norm_backward_dx(const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ dy,
                                                  const float* __restrict__ mean, const float* __restrict__ rstd, float* __restrict__ dx,
                                                  int rows, int cols) {
  __shared__ float scratch[WARP];
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    size_t base = (size_t)row * cols;
    float mu = mean[row], rs = rstd[row];
    float sg = 0.f, sgx = 0.f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
      float g = dy[base + c] * gamma[c];
      sg += g;
      sgx += g * (x[base + c] - mu) * rs;
    }
    float mg = block_sum(sg, scratch) / (float)cols;
    float mgx = block_sum(sgx, scratch) / (float)cols;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
      float xhat = (x[base + c] - mu) * rs;
      dx[base + c] = rs * (dy[base + c] * gamma[c] - mg - xhat * mgx);
    }
  }
}

// dgamma[c] += sum_r dy * x̂, dbeta[c] += sum_r dy over this block's row range (outputs zeroed first).
extern "C" __global__ void layer_norm_backward_params(const float* __restrict__ x, const float* __restrict__ dy, const float* __restrict__ mean,
                                                      const float* __restrict__ rstd, float* __restrict__ dgamma, float* __restrict__ dbeta,
                                                      int rows, int cols, int rows_per_split) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= cols) return;
  int r0 = blockIdx.y * rows_per_split, r1 = min(rows, r0 + rows_per_split);
  float g = 0.f, b = 0.f;
  for (int r = r0; r < r1; ++r) {
    size_t i = (size_t)r * cols + c;
    g += dy[i] * (x[i] - mean[r]) * rstd[r];
    b += dy[i];
  }
  atomicAdd(dgamma + c, g);
  atomicAdd(dbeta + c, b);
}
