// Fused softmax cross-entropy over [rows, vocab] logits with int32 targets: the forward writes the
// per-row loss and saves the log-sum-exp, the backward rebuilds softmax from it. Rows whose target
// is `ignore_index` (or out of range) have loss 0 and gradient 0; the caller divides by the count.
#include "llmkit.cuh"

extern "C" __global__ void xent_forward(const float* __restrict__ logits, const int* __restrict__ targets, float* __restrict__ loss,
                                        float* __restrict__ lse_out, int rows, int vocab, int ignore_index) {
  __shared__ float scratch[WARP];
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* r = logits + (size_t)row * vocab;
    float m = -INFINITY, s = 0.f;
    for (int c = threadIdx.x; c < vocab; c += blockDim.x) {
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
    s = block_sum(s, scratch);
    if (threadIdx.x == 0) {
      float lse = bm + logf(s);
      int t = targets[row];
      bool valid = t != ignore_index && t >= 0 && t < vocab;
      lse_out[row] = lse;
      loss[row] = valid ? lse - r[t] : 0.f;
    }
  }
}

// dlogits[r, c] = dloss[r] * (softmax[r, c] - [c == target[r]]).
extern "C" __global__ void xent_backward(const float* __restrict__ logits, const int* __restrict__ targets, const float* __restrict__ lse,
                                         const float* __restrict__ dloss, float* __restrict__ dlogits, int rows, int vocab, int ignore_index) {
  for (int row = blockIdx.x; row < rows; row += gridDim.x) {
    int t = targets[row];
    bool valid = t != ignore_index && t >= 0 && t < vocab;
    float g = valid ? dloss[row] : 0.f;
    float l = lse[row];
    size_t base = (size_t)row * vocab;
    for (int c = threadIdx.x; c < vocab; c += blockDim.x) {
      float p = expf(logits[base + c] - l);
      dlogits[base + c] = g * (p - (c == t ? 1.f : 0.f));
    }
  }
}
