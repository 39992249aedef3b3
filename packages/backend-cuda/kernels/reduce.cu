// Reductions over the innermost axis of a [rows, cols] view (tfjs moves the reduced axes last):
// one block per row, a strided pass then a block reduction. Also ArgMax/ArgMin and the column sum
// used by bias and broadcast gradients.
#include "llmkit.cuh"

#define ROW_REDUCE(name, init, step, block_reduce, finish)                                   \
  extern "C" __global__ void reduce_##name(const float* __restrict__ x, float* __restrict__ out, \
                                           int rows, int cols) {                             \
    __shared__ float scratch[WARP];                                                          \
    for (int row = blockIdx.x; row < rows; row += gridDim.x) {                               \
      const float* r = x + (size_t)row * cols;                                               \
      float acc = (init);                                                                    \
      for (int c = threadIdx.x; c < cols; c += blockDim.x) {                                 \
        float v = r[c];                                                                      \
        acc = (step);                                                                        \
      }                                                                                      \
      acc = block_reduce(acc, scratch);                                                      \
      if (threadIdx.x == 0) out[row] = (finish);                                             \
    }                                                                                        \
  }

ROW_REDUCE(sum, 0.f, acc + v, block_sum, acc)
ROW_REDUCE(mean, 0.f, acc + v, block_sum, acc / (float)cols)
ROW_REDUCE(max, -INFINITY, fmaxf(acc, v), block_max, acc)
ROW_REDUCE(min, INFINITY, fminf(acc, v), block_min, acc)
// All/Any on 0/1 values.
ROW_REDUCE(all, 1.f, fminf(acc, v != 0.f ? 1.f : 0.f), block_min, acc)
ROW_REDUCE(any, 0.f, fmaxf(acc, v != 0.f ? 1.f : 0.f), block_max, acc)

// Prod: the product of a row (block product through logs would lose signs; a warp-serial pass is
// exact and rows of Prod are short in llmkit's uses).
extern "C" __global__ void reduce_prod(const float* __restrict__ x, float* __restrict__ out, int rows, int cols) {
  int row = blockIdx.x * blockDim.x + threadIdx.x;
  if (row >= rows) return;
  float p = 1.f;
  for (int c = 0; c < cols; ++c) p *= x[(size_t)row * cols + c];
  out[row] = p;
}

// ArgMax/ArgMin: first index of the extreme value (as tfjs), int32 output.
#define ROW_ARG(name, better)                                                                \
  extern "C" __global__ void reduce_##name(const float* __restrict__ x, int* __restrict__ out, int rows, int cols) { \
    __shared__ float best_v[WARP];                                                           \
    __shared__ int best_i[WARP];                                                             \
    int row = blockIdx.x;                                                                    \
    if (row >= rows) return;                                                                 \
    const float* r = x + (size_t)row * cols;                                                 \
    float bv = r[0];                                                                         \
    int bi = 0;                                                                              \
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {                                   \
      float v = r[c];                                                                        \
      if (better(v, bv) || (v == bv && c < bi)) { bv = v; bi = c; }                          \
    }                                                                                        \
    for (int o = WARP / 2; o > 0; o >>= 1) {                                                 \
      float ov = __shfl_xor_sync(0xffffffffu, bv, o);                                        \
      int oi = __shfl_xor_sync(0xffffffffu, bi, o);                                          \
      if (better(ov, bv) || (ov == bv && oi < bi)) { bv = ov; bi = oi; }                     \
    }                                                                                        \
    int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP;                                \
    if (lane == 0) { best_v[warp] = bv; best_i[warp] = bi; }                                 \
    __syncthreads();                                                                         \
    if (threadIdx.x == 0) {                                                                  \
      for (int w = 1; w < (int)(blockDim.x / WARP); ++w)                                     \
        if (better(best_v[w], bv) || (best_v[w] == bv && best_i[w] < bi)) { bv = best_v[w]; bi = best_i[w]; } \
      out[row] = bi;                                                                         \
    }                                                                                        \
  }
#define GT(a, b) ((a) > (b))
#define LT(a, b) ((a) < (b))
ROW_ARG(argmax, GT)
ROW_ARG(argmin, LT)

// Column sums of a [rows, cols] matrix: out[c] = sum_r x[r, c]. Each thread owns a column and
// reads coalesced rows; blockIdx.y splits the rows and the partial sums meet with atomicAdd
// (the caller zeroes `out`). Used for bias gradients and un-broadcasting.
extern "C" __global__ void column_sum(const float* __restrict__ x, float* __restrict__ out, int rows, int cols, int rows_per_split) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= cols) return;
  int r0 = blockIdx.y * rows_per_split;
  int r1 = min(rows, r0 + rows_per_split);
  float s = 0.f;
  for (int r = r0; r < r1; ++r) s += x[(size_t)r * cols + c];
  atomicAdd(out + c, s);
}
