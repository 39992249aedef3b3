// The OS-thread execution model of cuda-emulation.h (selected by LLMKIT_EMU_THREADS), for the race
// check under ThreadSanitizer: each GPU thread of a block is an OS thread (thread-emulator.cpp),
// atomicAdd is a relaxed atomic as on the GPU. threadIdx, blockIdx, blockDim and gridDim are read
// through warp-barrier.cpp, which ThreadSanitizer does not see: the emulator rewrites them for
// every block, and with blocks unordered (LLMKIT_RACE_BLOCKS=unordered) that would be a "race".
// Included by cuda-emulation.h only; __syncthreads and the warp exchange are declared there.
#pragma once
#include <stdint.h>
#include <string.h>

extern "C" {
uint3 emu_thread_idx();
uint3 emu_block_idx();
uint3 emu_block_dim();
uint3 emu_grid_dim();
}

#define threadIdx (::emu_thread_idx())
#define blockIdx (::emu_block_idx())
#define blockDim (::emu_block_dim())
#define gridDim (::emu_grid_dim())

// Relaxed, as CUDA's atomicAdd: ThreadSanitizer sees an atomic read-modify-write (never a race
// with another atomicAdd) and no ordering of other memory, so a kernel that used an atomic as a
// flag would still be reported.
inline float atomicAdd(float* p, float v) {
  uint32_t* bits = reinterpret_cast<uint32_t*>(p);
  uint32_t old = __atomic_load_n(bits, __ATOMIC_RELAXED), next;
  float f;
  do {
    memcpy(&f, &old, 4);
    float sum = f + v;
    memcpy(&next, &sum, 4);
  } while (!__atomic_compare_exchange_n(bits, &old, next, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
  return f;
}
inline int atomicAdd(int* p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
