// The OS-thread scheduler behind cuda-emulation-threads.h, for the race check: one worker thread per
// GPU thread of a block, blocks of a grid one after another. Its synchronisation is what
// ThreadSanitizer sees, so it gives exactly the ordering CUDA promises and no more:
// - __syncthreads is a block barrier on a mutex and condition variables: every thread's accesses
//   before it happen before every thread's accesses after it (CUDA's guarantee for shared memory).
// - A warp shuffle (__shfl_xor_sync) waits for every lane of the warp, as *_sync intrinsics do,
//   in warp-barrier.cpp, compiled without ThreadSanitizer: a shuffle orders no memory, so code
//   that needs a warp's writes to shared memory ordered needs __syncwarp or __syncthreads, and
//   is reported without one.
// - A shuffle whose warp has lanes that returned, or with a block size that leaves a partial
//   warp, fails the run: the full mask names them (undefined on the GPU). Threads that returned
//   count as arrived at __syncthreads, as on Volta and later.
// - Barriers that can never open (a divergent __syncthreads) fail the run with the kernel's name.
// Not checked: races between blocks (blocks run in turn, each ordered after the previous one).
#include "cuda-emulation.h"
#include "race-harness.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

extern "C" {
// warp-barrier.cpp (not instrumented).
uint32_t emu_warp_exchange(int warp, int lane, unsigned parity, uint32_t value, int src, int lanes);
unsigned emu_warp_arrived(int warp);
void emu_warp_reset(int warps);
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
void AnnotateIgnoreReadsBegin(const char* file, int line);
void AnnotateIgnoreReadsEnd(const char* file, int line);
void AnnotateIgnoreWritesBegin(const char* file, int line);
void AnnotateIgnoreWritesEnd(const char* file, int line);
}

namespace emu {
uint3 block_idx, block_dim, grid_dim;
thread_local uint3 thread_idx;
static thread_local int linear;           // index in the block
static thread_local unsigned exchanges;   // this thread's shuffles in the block: picks the slot parity

static const int MAX_THREADS = 1024, MAX_WARPS = MAX_THREADS / 32;
static const char* kernel_name = "";

// Block barrier state of the running block, under `mu`; warp_live is atomic (read by shuffles,
// which take no lock), the lanes waiting at a shuffle are counted by warp-barrier.cpp.
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t block_cv = PTHREAD_COND_INITIALIZER;
static int live, at_block, warps;
static unsigned block_gen;
static int warp_size[MAX_WARPS], warp_live[MAX_WARPS];

// exit_group, not _exit: ThreadSanitizer's _exit finalises first, and a thread inside ignore
// annotations (a stalled shuffle's check) makes it die with its own exit code instead of 3.
[[noreturn]] static void fail(const char* what) {
  fprintf(stderr, "llmkit race check: %s in %s, block (%u,%u,%u)\n", what, kernel_name, block_idx.x, block_idx.y, block_idx.z);
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
    if (n == warp_size[w]) return;
    waiting += n;
  }
  if (live > 0 && waiting == live) fail("divergent barrier (threads wait at different barriers)");
}

void sync_block() {
  pthread_mutex_lock(&mu);
  unsigned gen = block_gen;
  at_block++;
  progress();
  while (block_gen == gen) pthread_cond_wait(&block_cv, &mu);
  pthread_mutex_unlock(&mu);
}

uint32_t exchange(uint32_t value, int src_lane) {
  int w = linear / 32;
  if (warp_size[w] != 32) fail("warp shuffle in a partial warp (blockDim not a multiple of 32)");
  if (__atomic_load_n(&warp_live[w], __ATOMIC_SEQ_CST) != 32) fail("warp shuffle with lanes that returned (the full mask names them)");
  return emu_warp_exchange(w, linear % 32, exchanges++ & 1, value, src_lane, 32);
}

}  // namespace emu

// Called by a lane that waited a second at a shuffle: fails the run if the block is stuck.
extern "C" void emu_warp_stalled(int) {
  using namespace emu;
  // A check, not a synchronisation of the kernel: ThreadSanitizer sees neither its lock nor its reads.
  AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
  AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
  AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
  pthread_mutex_lock(&mu);
  progress();
  pthread_mutex_unlock(&mu);
  AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
  AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
  AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
}

namespace emu {
static void thread_returned() {
  pthread_mutex_lock(&mu);
  int w = linear / 32;
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
    linear = i;
    exchanges = 0;
    thread_idx = {(unsigned)(i % block_dim.x), (unsigned)((i / block_dim.x) % block_dim.y), (unsigned)(i / (block_dim.x * block_dim.y))};
    (*body)();
    thread_returned();
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
  block_dim = block;
  grid_dim = grid;
  for (unsigned z = 0; z < grid.z; z++)
    for (unsigned y = 0; y < grid.y; y++)
      for (unsigned x = 0; x < grid.x; x++) {
        // The previous block's threads all reported done under pool_mu, so this thread owns the state.
        block_idx = {x, y, z};
        live = (int)threads;
        at_block = 0;
        warps = (int)((threads + 31) / 32);
        for (int w = 0; w < warps; w++) {
          warp_size[w] = (int)(threads - 32L * w < 32 ? threads - 32L * w : 32);
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
  printf("launched %s grid (%u,%u,%u) block (%u,%u,%u) in %.0f ms\n", kernel, grid.x, grid.y, grid.z, block.x, block.y, block.z, elapsed_ms(start));
  fflush(stdout);
  return true;
}
}  // namespace race
