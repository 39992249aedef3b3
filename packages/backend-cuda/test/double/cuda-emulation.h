// Runs CUDA C kernels on the CPU for the test double: included before a kernels/*.cu file and
// compiled with g++. A grid runs block after block; a block's threads are fibers (ucontext) on
// one OS thread, so __syncthreads and warp shuffles are barriers between fibers, and __shared__
// arrays are function statics (one block runs at a time, so they are the block's shared memory).
// Not emulated: memory ordering between blocks (blocks never run concurrently here), warp-level
// implicit synchronisation without *_sync calls, textures, dynamic shared memory.
// With LLMKIT_EMU_THREADS defined, a block's threads are OS threads instead (the race check under
// ThreadSanitizer, cuda-emulation-threads.h); the language part below is shared by both.
#pragma once
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <stddef.h>

struct uint3 { unsigned x, y, z; };
typedef uint3 dim3;

namespace emu {
extern uint3 block_idx, block_dim, grid_dim;
void sync_block();          // __syncthreads
uint32_t exchange(uint32_t value, int src_lane); // one warp-wide exchange
#ifndef LLMKIT_EMU_THREADS
struct Fiber;
extern Fiber* current;
uint3 thread_idx_of(Fiber*);
#endif
}

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __launch_bounds__(...)
#define __shared__ static
#ifdef LLMKIT_EMU_THREADS
#include "cuda-emulation-threads.h"
#else
#define threadIdx (::emu::thread_idx_of(::emu::current))
#define blockIdx (::emu::block_idx)
#define blockDim (::emu::block_dim)
#define gridDim (::emu::grid_dim)
#endif

inline void __syncthreads() { emu::sync_block(); }

template <typename T>
inline T emu_bits_to(uint32_t b) { T v; memcpy(&v, &b, sizeof v); return v; }
template <typename T>
inline uint32_t emu_to_bits(T v) { uint32_t b; memcpy(&b, &v, sizeof v); return b; }

template <typename T>
inline T __shfl_xor_sync(unsigned mask, T v, int lane_mask) {
  (void)mask;
  int lane = (int)(threadIdx.x + threadIdx.y * blockDim.x + threadIdx.z * blockDim.x * blockDim.y) % 32;
  return emu_bits_to<T>(emu::exchange(emu_to_bits(v), lane ^ lane_mask));
}

#ifndef LLMKIT_EMU_THREADS
// One OS thread runs every fiber, so a read-modify-write cannot interleave: plain adds are atomic.
inline float atomicAdd(float* p, float v) { float old = *p; *p = old + v; return old; }
inline int atomicAdd(int* p, int v) { int old = *p; *p = old + v; return old; }
#endif

inline float rsqrtf(float x) { return 1.f / sqrtf(x); }
inline float __int_as_float(int b) { return emu_bits_to<float>((uint32_t)b); }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
// IEEE round-to-nearest float32 operations: the volatile result is rounded before any later use,
// so the host compiler cannot contract it into a fused multiply-add either.
inline float __fadd_rn(float a, float b) { volatile float r = a + b; return r; }
inline float __fsub_rn(float a, float b) { volatile float r = a - b; return r; }
inline float __fmul_rn(float a, float b) { volatile float r = a * b; return r; }
inline float __fdiv_rn(float a, float b) { volatile float r = a / b; return r; }
inline float __fsqrt_rn(float a) { volatile float r = sqrtf(a); return r; }
