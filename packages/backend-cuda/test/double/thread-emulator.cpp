// The OS-thread scheduler behind cuda-emulation-threads.h, for the race check: one worker thread per
// GPU thread of a block, blocks of a grid one after another. What ThreadSanitizer sees is exactly
// the ordering CUDA promises and no more:
// - __syncthreads is a block barrier: every thread's accesses before it happen before every
//   thread's accesses after it (CUDA's guarantee for shared memory). Its bookkeeping is hidden
//   from ThreadSanitizer; the ordering is stated with release/acquire on a token of the block.
// - A warp shuffle (__shfl_xor_sync) waits for every lane of the warp, as *_sync intrinsics do,
//   in warp-barrier.cpp, compiled without ThreadSanitizer: a shuffle orders no memory, so code
//   that needs a warp's writes to shared memory ordered needs __syncwarp or __syncthreads, and
//   is reported without one.
// - A shuffle whose warp has lanes that returned, or with a block size that leaves a partial
//   warp, fails the run: the full mask names them (undefined on the GPU). Threads that returned
//   count as arrived at __syncthreads, as on Volta and later.
// - Barriers that can never open (a divergent __syncthreads) fail the run with the kernel's name.
// - Blocks of a grid are ordered one after another, unless LLMKIT_RACE_BLOCKS=unordered: then each
//   GPU thread runs in a ThreadSanitizer fiber of its own, entered from the worker with the
//   launch's ordering and left without any, so nothing orders two blocks of one grid (as on the
//   GPU, where they may run at once) and two blocks writing one address without an atomic are
//   reported. __shared__ arrays are statics reused by every block, so that mode suppresses
//   reports on them (build-races.ts writes the suppressions); the ordered mode checks them.
#include "cuda-emulation.h"
#include "race-harness.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include <vector>

extern "C" {
// warp-barrier.cpp (not instrumented).
uint32_t emu_warp_exchange(uint32_t value, int src, int lanes);
unsigned emu_warp_arrived(int warp);
void emu_warp_reset(int warps);
int emu_linear();
unsigned emu_next_barrier();
void emu_set_block(uint3 block, uint3 size, uint3 grid);
void emu_enter_thread(int linear);
// ThreadSanitizer's interface.
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
void AnnotateIgnoreReadsBegin(const char* file, int line);
void AnnotateIgnoreReadsEnd(const char* file, int line);
void AnnotateIgnoreWritesBegin(const char* file, int line);
void AnnotateIgnoreWritesEnd(const char* file, int line);
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
void* __tsan_get_current_fiber(void);
void* __tsan_create_fiber(unsigned flags);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
}

namespace emu {
static const int MAX_THREADS = 1024, MAX_WARPS = MAX_THREADS / 32;
static const char* kernel_name = "";

// The emulator's own bookkeeping: ThreadSanitizer sees neither its locks nor its reads and writes,
// which would otherwise order the kernel's threads (or, blocks unordered, look like races).
struct Quiet {
  Quiet() {
    AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
    AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
    AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
  }
  ~Quiet() {
    AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
    AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
    AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
  }
};

// Block barrier state of the running block, under `mu` (and Quiet); warp_size and warp_live are
// atomics, read by shuffles, which take no lock; lanes at a shuffle are counted by warp-barrier.cpp.
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t block_cv = PTHREAD_COND_INITIALIZER;
static int live, at_block, warps;
static unsigned block_gen;
static int warp_size[MAX_WARPS], warp_live[MAX_WARPS];
// __syncthreads' ordering: each thread releases into the block's token before waiting and acquires
// from it after; two tokens alternate, so a thread already past barrier k+1 cannot lend its later
// accesses to a thread still leaving barrier k. Fresh for every block (never freed: a block's
// tokens must not order the next block's threads).
static char* block_token;
static char grid_done;  // blocks unordered: every thread releases here; the launcher acquires after the grid
static bool unordered;

// exit_group, not _exit: ThreadSanitizer's _exit finalises first, and a thread inside ignore
// annotations makes it die with its own exit code instead of 3.
[[noreturn]] static void fail(const char* what) {
  uint3 b = emu_block_idx();
  fprintf(stderr, "llmkit race check: %s in %s, block (%u,%u,%u)\n", what, kernel_name, b.x, b.y, b.z);
  fflush(stderr);
  syscall(SYS_exit_group, 3);
  __builtin_unreachable();
}

// Under mu: opens the block barrier when every live thread arrived; fails when every live thread
// waits (at the block barrier or a shuffle) and no barrier can open. A warp whose 32 lanes all
// arrived is opening, and lanes counted at a shuffle are blocked there until it opens.
static void progress() {
  if (at_block > 0 && at_block == live) {
    at_block = 0;
    block_gen++;
    pthread_cond_broadcast(&block_cv);
    return;
  }
  int waiting = at_block;
  for (int w = 0; w < warps; w++) {
    int n = (int)emu_warp_arrived(w);
    if (n == __atomic_load_n(&warp_size[w], __ATOMIC_SEQ_CST)) return;
    waiting += n;
  }
  if (live > 0 && waiting == live) fail("divergent barrier (threads wait at different barriers)");
}

void sync_block() {
  char* token;
  {
    Quiet q;
    token = block_token + (emu_next_barrier() & 1);
  }
  __tsan_release(token);
  {
    Quiet q;
    pthread_mutex_lock(&mu);
    unsigned gen = block_gen;
    at_block++;
    progress();
    while (block_gen == gen) pthread_cond_wait(&block_cv, &mu);
    pthread_mutex_unlock(&mu);
  }
  __tsan_acquire(token);
}

uint32_t exchange(uint32_t value, int src_lane) {
  int w = emu_linear() / 32;
  if (__atomic_load_n(&warp_size[w], __ATOMIC_SEQ_CST) != 32) fail("warp shuffle in a partial warp (blockDim not a multiple of 32)");
  if (__atomic_load_n(&warp_live[w], __ATOMIC_SEQ_CST) != 32) fail("warp shuffle with lanes that returned (the full mask names them)");
  return emu_warp_exchange(value, src_lane, 32);
}

}  // namespace emu

// Called by a lane that waited a second at a shuffle: fails the run if the block is stuck.
extern "C" void emu_warp_stalled(int) {
  using namespace emu;
  Quiet q;
  pthread_mutex_lock(&mu);
  progress();
  pthread_mutex_unlock(&mu);
}

namespace emu {
static void thread_returned() {
  Quiet q;
  pthread_mutex_lock(&mu);
  int w = emu_linear() / 32;
  live--;
  __atomic_sub_fetch(&warp_live[w], 1, __ATOMIC_SEQ_CST);
  if (emu_warp_arrived(w) > 0) fail("a lane returned while its warp waits at a shuffle");
  progress();
  pthread_mutex_unlock(&mu);
}

// The worker pool: worker i runs thread i of each block (pool grows to the largest block).
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cv = PTHREAD_COND_INITIALIZER, done_cv = PTHREAD_COND_INITIALIZER;
static unsigned job_gen;
static int job_threads, job_done;
static const std::function<void()>* job;
static int workers, started, spawn_to;
static pthread_cond_t started_cv = PTHREAD_COND_INITIALIZER;

// Blocks unordered: a GPU thread runs in a ThreadSanitizer fiber on a ucontext stack of its own,
// entered with the worker's ordering (the launch and its inputs) and left with none. A fiber costs
// ThreadSanitizer milliseconds to create, so each worker keeps FIBERS of them and runs block b's
// thread in fiber b % FIBERS: a fiber orders what it runs, so blocks FIBERS apart in one grid stay
// ordered for the same thread index (no grid of the cases has more blocks). The hand-over
// variables are atomics: they pass between fibers that nothing orders.
static const int FIBERS = 8;
static const size_t FIBER_STACK = 128 << 10;
struct Fiber {
  void* tsan;
  char* stack;
  ucontext_t ctx;
};
static thread_local Fiber fibers[FIBERS];
static thread_local ucontext_t worker_ctx;
static thread_local int fiber_thread;
static thread_local const std::function<void()>* fiber_body;
static thread_local void* worker_fiber;
static thread_local Fiber* running;

static void fiber_main() {
  emu_enter_thread(__atomic_load_n(&fiber_thread, __ATOMIC_RELAXED));
  (*__atomic_load_n(&fiber_body, __ATOMIC_RELAXED))();
  thread_returned();
  __tsan_release(&grid_done);
  // Never returns: an instrumented return would pop the worker's call stack, switched to just before.
  Fiber* self = __atomic_load_n(&running, __ATOMIC_RELAXED);
  __tsan_switch_to_fiber(__atomic_load_n(&worker_fiber, __ATOMIC_RELAXED), 1 /* __tsan_switch_to_fiber_no_sync */);
  swapcontext(&self->ctx, &worker_ctx);
  abort();
}

static void run_in_fiber(int i, const std::function<void()>* body) {
  uint3 b = emu_block_idx(), g = emu_grid_dim();
  Fiber* f = &fibers[(b.x + g.x * (b.y + g.y * b.z)) % FIBERS];
  {
    Quiet q;
    if (!f->tsan) {
      void* at = mmap(nullptr, FIBER_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (at == MAP_FAILED) {
        fprintf(stderr, "llmkit race check: cannot map a fiber stack\n");
        syscall(SYS_exit_group, 2);
      }
      f->stack = (char*)at;
      f->tsan = __tsan_create_fiber(0);
    }
    getcontext(&f->ctx);
    f->ctx.uc_stack.ss_sp = f->stack;
    f->ctx.uc_stack.ss_size = FIBER_STACK;
    f->ctx.uc_link = nullptr;
    makecontext(&f->ctx, fiber_main, 0);
  }
  __atomic_store_n(&fiber_thread, i, __ATOMIC_RELAXED);
  __atomic_store_n(&fiber_body, body, __ATOMIC_RELAXED);
  __atomic_store_n(&running, f, __ATOMIC_RELAXED);
  __atomic_store_n(&worker_fiber, __tsan_get_current_fiber(), __ATOMIC_RELAXED);
  __tsan_switch_to_fiber(f->tsan, 0);
  swapcontext(&worker_ctx, &f->ctx);
}

static void* worker_main(void* arg) {
  int i = (int)(intptr_t)arg;
  pthread_mutex_lock(&pool_mu);
  unsigned seen = job_gen; // a job already posted is not this worker's: launches grow the pool first
  if (++started == spawn_to) pthread_cond_signal(&started_cv);
  pthread_mutex_unlock(&pool_mu);
  for (;;) {
    pthread_mutex_lock(&pool_mu);
    while (job_gen == seen) pthread_cond_wait(&pool_cv, &pool_mu);
    seen = job_gen;
    bool mine = i < job_threads;
    const std::function<void()>* body = job;
    pthread_mutex_unlock(&pool_mu);
    if (!mine) continue;
    if (unordered) {
      run_in_fiber(i, body);
    } else {
      emu_enter_thread(i);
      (*body)();
      thread_returned();
    }
    pthread_mutex_lock(&pool_mu);
    if (++job_done == job_threads) pthread_cond_signal(&done_cv);
    pthread_mutex_unlock(&pool_mu);
  }
  return nullptr;
}

static void start_worker(int i) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1 << 20);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t t;
  if (pthread_create(&t, &attr, worker_main, (void*)(intptr_t)i) != 0) {
    fprintf(stderr, "llmkit race check: cannot start thread %d\n", i);
    exit(2);
  }
  pthread_attr_destroy(&attr);
}

// ThreadSanitizer's pthread_create waits (sched_yield) until the new thread runs, ~30 ms each on a
// loaded machine: 256 threads created in turn took 8.5 s. So main starts up to 16 spawners, each
// starts every 16th new worker, and main waits until all run (about 32 creations deep, not 256).
static const int SPAWNERS = 16;
static int spawn_from;

static void* spawner_main(void* arg) {
  int j = (int)(intptr_t)arg;
  pthread_mutex_lock(&pool_mu);
  int from = spawn_from, to = spawn_to;
  pthread_mutex_unlock(&pool_mu);
  for (int i = from + j; i < to; i += SPAWNERS) start_worker(i);
  return nullptr;
}

static void grow_pool(int threads) {
  if (workers >= threads) return;
  pthread_mutex_lock(&pool_mu);
  spawn_from = workers;
  spawn_to = threads;
  pthread_mutex_unlock(&pool_mu);
  pthread_t spawners[SPAWNERS];
  int n = threads - workers < SPAWNERS ? threads - workers : SPAWNERS;
  for (int j = 0; j < n; j++) pthread_create(&spawners[j], nullptr, spawner_main, (void*)(intptr_t)j);
  for (int j = 0; j < n; j++) pthread_join(spawners[j], nullptr);
  pthread_mutex_lock(&pool_mu);
  while (started < threads) pthread_cond_wait(&started_cv, &pool_mu);
  pthread_mutex_unlock(&pool_mu);
  workers = threads;
}
}  // namespace emu

namespace race {
// LLMKIT_RACE_KERNELS=a,b runs only those kernels (the test of the test runs the one it broke).
static bool wanted(const char* kernel) {
  const char* only = getenv("LLMKIT_RACE_KERNELS");
  if (!only || !*only) return true;
  size_t n = strlen(kernel);
  for (const char* p = only; (p = strstr(p, kernel)); p += n)
    if ((p == only || p[-1] == ',') && (p[n] == ',' || p[n] == 0)) return true;
  return false;
}

static double elapsed_ms(const timespec& start) {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - start.tv_sec) * 1e3 + (now.tv_nsec - start.tv_nsec) / 1e6;
}

bool launch(const char* kernel, dim3 grid, dim3 block, const std::function<void()>& body) {
  using namespace emu;
  if (!wanted(kernel)) return false;
  long threads = (long)block.x * block.y * block.z;
  if (threads < 1 || threads > MAX_THREADS || grid.x < 1 || grid.y < 1 || grid.z < 1) {
    fprintf(stderr, "llmkit race check: bad launch of %s: grid (%u,%u,%u), block (%u,%u,%u)\n", kernel, grid.x, grid.y, grid.z, block.x, block.y, block.z);
    exit(2);
  }
  grow_pool((int)threads);
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  kernel_name = kernel;
  const char* blocks = getenv("LLMKIT_RACE_BLOCKS");
  unordered = blocks && strcmp(blocks, "unordered") == 0;
  for (unsigned z = 0; z < grid.z; z++)
    for (unsigned y = 0; y < grid.y; y++)
      for (unsigned x = 0; x < grid.x; x++) {
        // The previous block's threads all reported done under pool_mu, so this thread owns the state.
        emu_set_block({x, y, z}, block, grid);
        {
          Quiet q;
          block_token = (char*)malloc(2);
          live = (int)threads;
          at_block = 0;
          warps = (int)((threads + 31) / 32);
        }
        for (int w = 0; w < warps; w++) {
          __atomic_store_n(&warp_size[w], (int)(threads - 32L * w < 32 ? threads - 32L * w : 32), __ATOMIC_SEQ_CST);
          __atomic_store_n(&warp_live[w], warp_size[w], __ATOMIC_SEQ_CST);
        }
        emu_warp_reset(warps);
        pthread_mutex_lock(&pool_mu);
        job = &body;
        job_threads = (int)threads;
        job_done = 0;
        job_gen++;
        pthread_cond_broadcast(&pool_cv);
        while (job_done < job_threads) pthread_cond_wait(&done_cv, &pool_mu);
        pthread_mutex_unlock(&pool_mu);
      }
  if (unordered) __tsan_acquire(&grid_done);  // the kernel's end orders everything before what follows
  printf("launched %s grid (%u,%u,%u) block (%u,%u,%u) in %.0f ms\n", kernel, grid.x, grid.y, grid.z, block.x, block.y, block.z, elapsed_ms(start));
  fflush(stdout);
  return true;
}
}  // namespace race
