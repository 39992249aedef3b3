// The warp shuffle of the race check (thread-emulator.cpp), compiled WITHOUT ThreadSanitizer: a
// shuffle waits for its 32 lanes but orders no memory on the GPU, so ThreadSanitizer must not see
// its synchronisation; and it waits on a futex, not a mutex and condition variable, because the
// attention cases wait at shuffles about a million times (2-3x less time than pthreads here).
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const int MAX_WARPS = 32;
static unsigned arrived[MAX_WARPS], generation[MAX_WARPS];
static uint32_t slots[MAX_WARPS][2][32];  // [warp][parity][lane], see emu_warp_exchange

extern "C" void emu_warp_stalled(int warp);  // thread-emulator.cpp: fails the run on a divergent barrier

extern "C" unsigned emu_warp_arrived(int warp) { return __atomic_load_n(&arrived[warp], __ATOMIC_SEQ_CST); }

extern "C" void emu_warp_reset(int warps) {
  for (int w = 0; w < warps; w++) __atomic_store_n(&arrived[w], 0u, __ATOMIC_SEQ_CST);
}

// One exchange: every lane writes its value, waits for the warp, reads lane `src`'s. Two slot
// parities: a lane writes parity p of exchange k+2 only after all lanes passed exchange k+1's
// barrier, so after all lanes read exchange k's slots.
extern "C" uint32_t emu_warp_exchange(int warp, int lane, unsigned parity, uint32_t value, int src, int lanes) {
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
