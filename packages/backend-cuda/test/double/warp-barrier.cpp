// What the race check (thread-emulator.cpp) keeps out of ThreadSanitizer's sight, compiled without
// it: the warp shuffle, which waits for its 32 lanes but orders no memory on the GPU, on a futex
// (the attention cases wait at shuffles about a million times: 2-3x faster than pthreads here);
// and each thread's place (threadIdx, blockIdx, its shuffle and barrier counts), rewritten for
// every block, which a kernel reads but must not count as memory it shares.
#include "cuda-emulation.h"
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const int MAX_WARPS = 32;
static unsigned arrived[MAX_WARPS], generation[MAX_WARPS];
static uint32_t slots[MAX_WARPS][2][32];  // [warp][parity][lane], see emu_warp_exchange

static thread_local uint3 thread_index;
static thread_local int linear_index;
static thread_local unsigned exchanges, barriers;
static uint3 block_index, block_size, grid_size;

extern "C" uint3 emu_thread_idx() { return thread_index; }
extern "C" uint3 emu_block_idx() { return block_index; }
extern "C" uint3 emu_block_dim() { return block_size; }
extern "C" uint3 emu_grid_dim() { return grid_size; }
extern "C" int emu_linear() { return linear_index; }
// Barriers this thread passed in the block (the parity of the block barrier's token).
extern "C" unsigned emu_next_barrier() { return barriers++; }

// By the launching thread before a block's threads start (they start after, through a mutex).
extern "C" void emu_set_block(uint3 block, uint3 size, uint3 grid) {
  block_index = block;
  block_size = size;
  grid_size = grid;
}

// By a worker as it starts thread `linear` of the block.
extern "C" void emu_enter_thread(int linear) {
  linear_index = linear;
  thread_index = {(unsigned)(linear % block_size.x), (unsigned)((linear / block_size.x) % block_size.y), (unsigned)(linear / (block_size.x * block_size.y))};
  exchanges = 0;
  barriers = 0;
}

extern "C" void emu_warp_stalled(int warp);  // thread-emulator.cpp: fails the run on a divergent barrier

extern "C" unsigned emu_warp_arrived(int warp) { return __atomic_load_n(&arrived[warp], __ATOMIC_SEQ_CST); }

extern "C" void emu_warp_reset(int warps) {
  for (int w = 0; w < warps; w++) __atomic_store_n(&arrived[w], 0u, __ATOMIC_SEQ_CST);
}

// One exchange: every lane writes its value, waits for the warp, reads lane `src`'s. Two slot
// parities: a lane writes parity p of exchange k+2 only after all lanes passed exchange k+1's
// barrier, so after all lanes read exchange k's slots.
extern "C" uint32_t emu_warp_exchange(uint32_t value, int src, int lanes) {
  int warp = linear_index / 32, lane = linear_index % 32;
  unsigned parity = exchanges++ & 1;
  __atomic_store_n(&slots[warp][parity][lane], value, __ATOMIC_RELAXED);
  unsigned gen = __atomic_load_n(&generation[warp], __ATOMIC_ACQUIRE);
  if (__atomic_add_fetch(&arrived[warp], 1u, __ATOMIC_ACQ_REL) == (unsigned)lanes) {
    __atomic_store_n(&arrived[warp], 0u, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&generation[warp], 1u, __ATOMIC_RELEASE);
    syscall(SYS_futex, &generation[warp], FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
  } else {
    while (__atomic_load_n(&generation[warp], __ATOMIC_ACQUIRE) == gen) {
      timespec second = {1, 0};
      if (syscall(SYS_futex, &generation[warp], FUTEX_WAIT_PRIVATE, gen, &second, nullptr, 0) != 0 &&
          __atomic_load_n(&generation[warp], __ATOMIC_ACQUIRE) == gen) {
        emu_warp_stalled(warp);  // a timeout (or a spurious wake): is the block stuck?
      }
    }
  }
  return __atomic_load_n(&slots[warp][parity][src & 31], __ATOMIC_RELAXED);
}
