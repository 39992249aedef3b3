// The OS-thread execution model of cuda-emulation.h (selected by LLMKIT_EMU_THREADS), for the race
// check under ThreadSanitizer: each GPU thread of a block is an OS thread (thread-emulator.cpp),
// threadIdx is thread-local, atomicAdd is a relaxed atomic as on the GPU. Included by
// cuda-emulation.h only; __syncthreads and the warp exchange are declared there.
#pragma once
#include <stdint.h>
#include <string.h>

namespace emu {
extern thread_local uint3 thread_idx;
}

#define threadIdx (::emu::thread_idx)

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
