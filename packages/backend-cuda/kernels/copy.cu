// Strided copies: transpose (any permutation), slice, concat (a copy into the output's slice),
// pad into a filled output, broadcastTo, all as out[base1 + off1(i)] = in[base0 + off0(i)] over an
// iteration shape; Tile through coordinates modulo the input shape; and a shared-memory tiled
// transpose of the last two axes (the common case: coalesced reads and writes).
#include "llmkit.cuh"

extern "C" __global__ void strided_copy_f32(const float* __restrict__ in, int in_base, float* __restrict__ out, int out_base, int n, Layout l) {
  FOR_EACH(i, n) {
    int oi, oo, unused;
    layout_offsets(l, i, &oi, &oo, &unused);
    out[out_base + oo] = in[in_base + oi];
  }
}

extern "C" __global__ void strided_copy_i32(const int* __restrict__ in, int in_base, int* __restrict__ out, int out_base, int n, Layout l) {
  FOR_EACH(i, n) {
    int oi, oo, unused;
    layout_offsets(l, i, &oi, &oo, &unused);
    out[out_base + oo] = in[in_base + oi];
  }
}

// Tile: out (shape l.shape, contiguous) from in whose shape is in_shape: coordinate c reads c % in_shape.
// l.stride[0] holds in's contiguous strides.
extern "C" __global__ void tile_f32(const float* __restrict__ in, float* __restrict__ out, int n, Layout l, Layout in_shape) {
  FOR_EACH(i, n) {
    int index = i, off = 0;
    for (int d = l.rank - 1; d >= 0; --d) {
      int c = index % l.shape[d];
      index /= l.shape[d];
      off += (c % in_shape.shape[d]) * l.stride[0][d];
    }
    out[i] = in[off];
  }
}

#define TT 32
// out[b, c, r] = in[b, r, c] for in [batch, rows, cols]; blocks of 32x8 threads move 32x32 tiles.
extern "C" __global__ void transpose_last2(const float* __restrict__ in, float* __restrict__ out, int rows, int cols) {
  __shared__ float tile[TT][TT + 1]; // +1: no bank conflicts on the column read
  size_t batch = (size_t)blockIdx.z * rows * cols;
  int c = blockIdx.x * TT + threadIdx.x;
  for (int j = threadIdx.y; j < TT; j += blockDim.y) {
    int r = blockIdx.y * TT + j;
    if (r < rows && c < cols) tile[j][threadIdx.x] = in[batch + (size_t)r * cols + c];
  }
  __syncthreads();
  int r = blockIdx.y * TT + threadIdx.x;
  for (int j = threadIdx.y; j < TT; j += blockDim.y) {
    int oc = blockIdx.x * TT + j;
    if (oc < cols && r < rows) out[batch + (size_t)oc * rows + r] = tile[threadIdx.x][j];
  }
}
