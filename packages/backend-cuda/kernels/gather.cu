// Gather along an axis (embedding lookup is the axis-0 case) and its gradient, a scatter-add, plus
// OneHot. Views: x [outer, axis, inner], indices [count] -> out [outer, count, inner]. An index out
// of [0, axis) reads 0 (the host validates indices before launching; this keeps memory safe).
#include "llmkit.cuh"

extern "C" __global__ void gather_f32(const float* __restrict__ x, const int* __restrict__ indices, float* __restrict__ out,
                                      int outer, int axis, int inner, int count) {
  int n = outer * count * inner;
  FOR_EACH(i, n) {
    int c = i % inner, t = (i / inner) % count, o = i / (inner * count);
    int idx = indices[t];
    out[i] = idx >= 0 && idx < axis ? x[((size_t)o * axis + idx) * inner + c] : 0.f;
  }
}

extern "C" __global__ void gather_i32(const int* __restrict__ x, const int* __restrict__ indices, int* __restrict__ out,
                                      int outer, int axis, int inner, int count) {
  int n = outer * count * inner;
  FOR_EACH(i, n) {
    int c = i % inner, t = (i / inner) % count, o = i / (inner * count);
    int idx = indices[t];
    out[i] = idx >= 0 && idx < axis ? x[((size_t)o * axis + idx) * inner + c] : 0;
  }
}

// dx[o, indices[t], c] += dy[o, t, c] (dx zeroed by the caller). Repeated indices (the same token
// twice in a batch) meet through atomicAdd, so the sum order, and the last bits, vary run to run.
extern "C" __global__ void gather_backward(const float* __restrict__ dy, const int* __restrict__ indices, float* __restrict__ dx,
                                           int outer, int axis, int inner, int count) {
  int n = outer * count * inner;
  FOR_EACH(i, n) {
    int c = i % inner, t = (i / inner) % count, o = i / (inner * count);
    int idx = indices[t];
    if (idx >= 0 && idx < axis) atomicAdd(dx + ((size_t)o * axis + idx) * inner + c, dy[i]);
  }
}

// UnsortedSegmentSum (tfjs's Gather gradient): out[segments[r], c] += x[r, c] (out zeroed).
extern "C" __global__ void segment_sum(const float* __restrict__ x, const int* __restrict__ segments, float* __restrict__ out,
                                       int rows, int inner, int num_segments) {
  int n = rows * inner;
  FOR_EACH(i, n) {
    int s = segments[i / inner];
    if (s >= 0 && s < num_segments) atomicAdd(out + (size_t)s * inner + i % inner, x[i]);
  }
}

extern "C" __global__ void one_hot(const int* __restrict__ indices, float* __restrict__ out, int count, int depth, float on, float off) {
  int n = count * depth;
  FOR_EACH(i, n) out[i] = indices[i / depth] == i % depth ? on : off;
}
