// The fiber scheduler behind cuda-emulation.h and the kernel table the double's cuModuleGetFunction
// and cuLaunchKernel use. A launch runs every block in turn; in a block, each thread is a ucontext
// fiber that runs until it reaches a barrier (__syncthreads, or a warp exchange) or returns. When
// every live thread waits at __syncthreads the block barrier opens; when every live lane of a warp
// waits at an exchange, that warp's opens. Threads that returned count as arrived (as on Volta+).
// No barrier able to open while threads wait is a divergent barrier: the launch fails.
#include "cuda-emulation.h"
#include "emulator.h"
#include <stdio.h>
#include <stdlib.h>
#include <string>
#include <ucontext.h>
#include <vector>

namespace emu {
enum State { READY, WAIT_BLOCK, WAIT_WARP, DONE };
struct Fiber {
  ucontext_t ctx;
  uint3 idx;
  int linear;
  State state;
};
Fiber* current = nullptr;
uint3 block_idx, block_dim, grid_dim;
uint3 thread_idx_of(Fiber* f) { return f->idx; }

static ucontext_t scheduler;
static std::vector<Fiber> fibers;
static std::vector<char*> stacks;
static const size_t STACK = 256 * 1024;
static uint32_t slots[32][32];
static struct { void (*run)(void*, void**); void* fn; void** params; } launch_now;

static void yield(State s) {
  Fiber* f = current;
  f->state = s;
  swapcontext(&f->ctx, &scheduler);
  current = f;
}

void sync_block() { yield(WAIT_BLOCK); }

uint32_t exchange(uint32_t value, int src_lane) {
  int warp = current->linear / 32, lane = current->linear % 32;
  slots[warp][lane] = value;
  yield(WAIT_WARP); // everyone has written
  uint32_t r = slots[warp][src_lane & 31];
  yield(WAIT_WARP); // everyone has read, slots may be reused
  return r;
}

static void fiber_main(int index) {
  current = &fibers[index];
  launch_now.run(launch_now.fn, launch_now.params);
  fibers[index].state = DONE;
  // uc_link returns to the scheduler.
}

// Runs one block; returns false on a divergent barrier.
static bool run_block(int threads) {
  for (int i = 0; i < threads; i++) {
    Fiber& f = fibers[i];
    getcontext(&f.ctx);
    f.ctx.uc_stack.ss_sp = stacks[i];
    f.ctx.uc_stack.ss_size = STACK;
    f.ctx.uc_link = &scheduler;
    f.linear = i;
    f.idx = {(unsigned)(i % block_dim.x), (unsigned)((i / block_dim.x) % block_dim.y), (unsigned)(i / (block_dim.x * block_dim.y))};
    f.state = READY;
    makecontext(&f.ctx, (void (*)())fiber_main, 1, i);
  }
  int warps = (threads + 31) / 32;
  for (;;) {
    for (int i = 0; i < threads; i++) {
      if (fibers[i].state != READY) continue;
      current = &fibers[i];
      swapcontext(&scheduler, &fibers[i].ctx);
    }
    int live = 0, at_block = 0;
    for (int i = 0; i < threads; i++) {
      if (fibers[i].state != DONE) live++;
      if (fibers[i].state == WAIT_BLOCK) at_block++;
    }
    if (live == 0) return true;
    bool released = false;
    if (at_block == live) {
      for (int i = 0; i < threads; i++) if (fibers[i].state == WAIT_BLOCK) fibers[i].state = READY;
      released = true;
    } else {
      for (int w = 0; w < warps; w++) {
        int lo = w * 32, hi = lo + 32 < threads ? lo + 32 : threads, waiting = 0, alive = 0;
        for (int i = lo; i < hi; i++) {
          if (fibers[i].state != DONE) alive++;
          if (fibers[i].state == WAIT_WARP) waiting++;
        }
        if (alive > 0 && waiting == alive) {
          for (int i = lo; i < hi; i++) if (fibers[i].state == WAIT_WARP) fibers[i].state = READY;
          released = true;
        }
      }
    }
    if (!released) return false;
  }
}

std::vector<EmuKernel>& registry() {
  static std::vector<EmuKernel> table;
  return table;
}
}  // namespace emu

EmuRegistrar::EmuRegistrar(const EmuKernel* kernels, int count) {
  for (int i = 0; i < count; i++) emu::registry().push_back(kernels[i]);
}

extern "C" const EmuKernel* emu_find_kernel(const char* name) {
  for (auto& k : emu::registry()) if (k.name == std::string(name)) return &k;
  return nullptr;
}

extern "C" int emu_launch(const EmuKernel* k, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, void** params) {
  int threads = (int)(bx * by * bz);
  while ((int)emu::stacks.size() < threads) emu::stacks.push_back((char*)malloc(emu::STACK));
  if ((int)emu::fibers.size() < threads) emu::fibers.resize(threads);
  emu::block_dim = {bx, by, bz};
  emu::grid_dim = {gx, gy, gz};
  emu::launch_now.run = k->run;
  emu::launch_now.fn = k->fn;
  emu::launch_now.params = params;
  for (unsigned z = 0; z < gz; z++)
    for (unsigned y = 0; y < gy; y++)
      for (unsigned x = 0; x < gx; x++) {
        emu::block_idx = {x, y, z};
        if (!emu::run_block(threads)) {
          fprintf(stderr, "llmkit cuda double: divergent barrier in %s, block (%u,%u,%u)\n", k->name, x, y, z);
          return 0;
        }
      }
  return 1;
}
