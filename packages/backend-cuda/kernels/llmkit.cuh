// Shared device helpers of llmkit's CUDA kernels: warp and block reductions, the broadcast index
// map, and the layout struct passed by value. NVRTC compiles it as a named header (no includes).
#pragma once

#define LLMKIT_MAX_RANK 6
#define WARP 32
// NVRTC has no <math.h> macros; CUDA_INF_F is what the CUDA headers expand INFINITY to.
#ifndef INFINITY
#define INFINITY __int_as_float(0x7f800000)
#endif

// Up to three operands addressed through one output shape: out index -> operand offsets.
// A broadcast dimension has stride 0. Passed by value (kernel parameter space, 4 KB max).
struct Layout {
  int rank;
  int shape[LLMKIT_MAX_RANK];
  int stride[3][LLMKIT_MAX_RANK];
};

__device__ __forceinline__ void layout_offsets(const Layout& l, int index, int* off0, int* off1, int* off2) {
  int o0 = 0, o1 = 0, o2 = 0;
  for (int d = l.rank - 1; d >= 0; --d) {
    int c = index % l.shape[d];
    index /= l.shape[d];
    o0 += c * l.stride[0][d];
    o1 += c * l.stride[1][d];
    o2 += c * l.stride[2][d];
  }
  *off0 = o0;
  *off1 = o1;
  *off2 = o2;
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = WARP / 2; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int o = WARP / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

__device__ __forceinline__ float warp_min(float v) {
  for (int o = WARP / 2; o > 0; o >>= 1) v = fminf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// Block-wide reductions for blockDim.x a multiple of 32 (<= 1024). `scratch` holds 32 floats.
// Every thread gets the result. The leading __syncthreads lets a caller reuse `scratch` in a loop.
__device__ __forceinline__ float block_sum(float v, float* scratch) {
  int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP, warps = blockDim.x / WARP;
  v = warp_sum(v);
  __syncthreads();
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = lane < warps ? scratch[lane] : 0.f;
  return warp_sum(v);
}

__device__ __forceinline__ float block_max(float v, float* scratch) {
  int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP, warps = blockDim.x / WARP;
  v = warp_max(v);
  __syncthreads();
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = lane < warps ? scratch[lane] : -INFINITY;
  return warp_max(v);
}

__device__ __forceinline__ float block_min(float v, float* scratch) {
  int lane = threadIdx.x % WARP, warp = threadIdx.x / WARP, warps = blockDim.x / WARP;
  v = warp_min(v);
  __syncthreads();
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = lane < warps ? scratch[lane] : INFINITY;
  return warp_min(v);
}

// Grid-stride loop over n elements.
#define FOR_EACH(i, n) for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)
