// A test double of libcuda.so.1 for machines without a GPU: the driver API symbols the package
// binds, with device memory in host RAM, validated as the driver validates (calls before cuInit,
// without a context, past an allocation's end, double frees, out of memory). Kernels do not run
// on the CPU: the kernels/*.cu sources are compiled with g++ through cuda-emulation.h into the same
// library (emulator.cpp), and cuModuleGetFunction finds them by name whatever image is loaded.
// Built by test/double/build.ts with the system compiler.
// LLMKIT_DOUBLE_MEMORY (bytes, default 64 MiB) sets the device's memory; LLMKIT_DOUBLE_DEVICES the count.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
enum {
  SUCCESS = 0, INVALID_VALUE = 1, OUT_OF_MEMORY = 2, NOT_INITIALIZED = 3, NO_DEVICE = 100,
  INVALID_DEVICE = 101, INVALID_IMAGE = 200, INVALID_CONTEXT = 201, INVALID_HANDLE = 400, NOT_FOUND = 500,
  LAUNCH_FAILED = 719, NOT_SUPPORTED = 801,
};

typedef struct EmuKernel EmuKernel;
const EmuKernel* emu_find_kernel(const char* name);
int emu_launch(const EmuKernel* k, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, void** params);

static const struct { int code; const char* name; } NAMES[] = {
  {0, "CUDA_SUCCESS"}, {1, "CUDA_ERROR_INVALID_VALUE"}, {2, "CUDA_ERROR_OUT_OF_MEMORY"},
  {3, "CUDA_ERROR_NOT_INITIALIZED"}, {100, "CUDA_ERROR_NO_DEVICE"}, {101, "CUDA_ERROR_INVALID_DEVICE"},
  {200, "CUDA_ERROR_INVALID_IMAGE"}, {201, "CUDA_ERROR_INVALID_CONTEXT"}, {400, "CUDA_ERROR_INVALID_HANDLE"},
  {500, "CUDA_ERROR_NOT_FOUND"}, {719, "CUDA_ERROR_LAUNCH_FAILED"}, {801, "CUDA_ERROR_NOT_SUPPORTED"},
};

#define MAX_ALLOCS 65536
static struct { uintptr_t base; size_t size; } allocs[MAX_ALLOCS];
static int alloc_count = 0;
static size_t used = 0;
static int initialized = 0;
static uint64_t current_ctx = 0;
static const uint64_t PRIMARY_CTX = 0xC0117E47;
static int streams_live = 0;

static size_t capacity(void) {
  const char* v = getenv("LLMKIT_DOUBLE_MEMORY");
  return v ? (size_t)strtoull(v, NULL, 10) : (size_t)64 << 20;
}
static int device_count(void) {
  const char* v = getenv("LLMKIT_DOUBLE_DEVICES");
  return v ? atoi(v) : 1;
}

#define NEED_INIT() do { if (!initialized) return NOT_INITIALIZED; } while (0)
#define NEED_CTX() do { NEED_INIT(); if (!current_ctx) return INVALID_CONTEXT; } while (0)

// Index of the allocation holding [p, p + bytes), or -1.
static int find_range(uint64_t p, size_t bytes) {
  for (int i = 0; i < alloc_count; i++) {
    if (p >= allocs[i].base && p - allocs[i].base <= allocs[i].size && bytes <= allocs[i].size - (p - allocs[i].base)) return i;
  }
  return -1;
}

// For cublas-double.c: is [p, p + bytes) inside one live allocation?
int double_holds_range(uint64_t p, size_t bytes) { return find_range(p, bytes) >= 0; }

CUresult cuInit(unsigned int flags) {
  if (flags != 0) return INVALID_VALUE;
  if (device_count() == 0) return NO_DEVICE;
  initialized = 1;
  return SUCCESS;
}
CUresult cuDriverGetVersion(int* v) { if (!v) return INVALID_VALUE; *v = 12020; return SUCCESS; }
CUresult cuGetErrorName(int e, const char** name) {
  for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) if (NAMES[i].code == e) { *name = NAMES[i].name; return SUCCESS; }
  *name = NULL;
  return INVALID_VALUE;
}
CUresult cuDeviceGetCount(int* n) { NEED_INIT(); *n = device_count(); return SUCCESS; }
CUresult cuDeviceGet(int* d, int ordinal) { NEED_INIT(); if (ordinal < 0 || ordinal >= device_count()) return INVALID_DEVICE; *d = ordinal; return SUCCESS; }
CUresult cuDeviceGetName(unsigned char* name, int len, int d) {
  NEED_INIT();
  if (d < 0 || d >= device_count()) return INVALID_DEVICE;
  strncpy((char*)name, "llmkit CPU test double", (size_t)len);
  if (len > 0) name[len - 1] = 0;
  return SUCCESS;
}
CUresult cuDeviceTotalMem_v2(uint64_t* bytes, int d) { NEED_INIT(); if (d < 0 || d >= device_count()) return INVALID_DEVICE; *bytes = capacity(); return SUCCESS; }
CUresult cuDeviceGetAttribute(int* v, int attr, int d) {
  NEED_INIT();
  if (d < 0 || d >= device_count()) return INVALID_DEVICE;
  switch (attr) {
    case 1: *v = 1024; return SUCCESS;   // max threads per block
    case 8: *v = 49152; return SUCCESS;  // shared memory per block
    case 16: *v = 4; return SUCCESS;     // multiprocessors
    case 75: *v = 8; return SUCCESS;     // compute capability 8.0
    case 76: *v = 0; return SUCCESS;
    case 97: *v = 166912; return SUCCESS; // opt-in shared memory (A100)
    default: return INVALID_VALUE;
  }
}
CUresult cuDevicePrimaryCtxRetain(uint64_t* ctx, int d) { NEED_INIT(); if (d < 0 || d >= device_count()) return INVALID_DEVICE; *ctx = PRIMARY_CTX; return SUCCESS; }
CUresult cuDevicePrimaryCtxRelease_v2(int d) { NEED_INIT(); if (d < 0 || d >= device_count()) return INVALID_DEVICE; return SUCCESS; }
CUresult cuCtxCreate_v2(uint64_t* ctx, unsigned int flags, int d) { (void)flags; return cuDevicePrimaryCtxRetain(ctx, d); }
CUresult cuCtxSetCurrent(uint64_t ctx) { NEED_INIT(); if (ctx != 0 && ctx != PRIMARY_CTX) return INVALID_CONTEXT; current_ctx = ctx; return SUCCESS; }
CUresult cuCtxSynchronize(void) { NEED_CTX(); return SUCCESS; }
CUresult cuMemGetInfo_v2(uint64_t* free_bytes, uint64_t* total) { NEED_CTX(); *total = capacity(); *free_bytes = capacity() - used; return SUCCESS; }

CUresult cuMemAlloc_v2(uint64_t* dptr, size_t bytes) {
  NEED_CTX();
  if (bytes == 0) return INVALID_VALUE;
  if (bytes > capacity() - used || alloc_count == MAX_ALLOCS) return OUT_OF_MEMORY;
  void* p = aligned_alloc(256, (bytes + 255) & ~(size_t)255);
  if (!p) return OUT_OF_MEMORY;
  allocs[alloc_count].base = (uintptr_t)p;
  allocs[alloc_count].size = bytes;
  alloc_count++;
  used += bytes;
  *dptr = (uint64_t)(uintptr_t)p;
  return SUCCESS;
}
CUresult cuMemFree_v2(uint64_t dptr) {
  NEED_CTX();
  for (int i = 0; i < alloc_count; i++) {
    if (allocs[i].base == dptr) {
      free((void*)(uintptr_t)dptr);
      used -= allocs[i].size;
      allocs[i] = allocs[--alloc_count];
      return SUCCESS;
    }
  }
  return INVALID_VALUE; // not an allocation's base: a double free or a bad pointer
}
CUresult cuMemcpyHtoDAsync_v2(uint64_t dst, const void* src, size_t bytes, uint64_t stream) {
  (void)stream;
  NEED_CTX();
  if (find_range(dst, bytes) < 0) return INVALID_VALUE;
  memcpy((void*)(uintptr_t)dst, src, bytes);
  return SUCCESS;
}
CUresult cuMemcpyDtoHAsync_v2(void* dst, uint64_t src, size_t bytes, uint64_t stream) {
  (void)stream;
  NEED_CTX();
  if (find_range(src, bytes) < 0) return INVALID_VALUE;
  memcpy(dst, (const void*)(uintptr_t)src, bytes);
  return SUCCESS;
}
CUresult cuMemcpyDtoDAsync_v2(uint64_t dst, uint64_t src, size_t bytes, uint64_t stream) {
  (void)stream;
  NEED_CTX();
  if (find_range(dst, bytes) < 0 || find_range(src, bytes) < 0) return INVALID_VALUE;
  memmove((void*)(uintptr_t)dst, (const void*)(uintptr_t)src, bytes);
  return SUCCESS;
}
CUresult cuMemsetD32Async(uint64_t dst, unsigned int value, size_t count, uint64_t stream) {
  (void)stream;
  NEED_CTX();
  if (find_range(dst, count * 4) < 0) return INVALID_VALUE;
  uint32_t* p = (uint32_t*)(uintptr_t)dst;
  for (size_t i = 0; i < count; i++) p[i] = value;
  return SUCCESS;
}
CUresult cuStreamCreate(uint64_t* s, unsigned int flags) { (void)flags; NEED_CTX(); *s = 0x5000 + (uint64_t)(++streams_live); return SUCCESS; }
CUresult cuStreamSynchronize(uint64_t s) { NEED_CTX(); if (s != 0 && s < 0x5001) return INVALID_HANDLE; return SUCCESS; }
CUresult cuStreamDestroy_v2(uint64_t s) { NEED_CTX(); if (s < 0x5001) return INVALID_HANDLE; return SUCCESS; }
// Modules: any non-empty image loads (the double cannot run PTX or SASS); functions are found by
// name among the emulated kernels, so an unknown name fails as the driver fails.
#define MAX_MODULES 1024
static int modules_live[MAX_MODULES];
#define MAX_FUNCTIONS 4096
static const EmuKernel* handed_out[MAX_FUNCTIONS];
static int handed_count = 0;

CUresult cuModuleLoadData(uint64_t* m, const void* image) {
  NEED_CTX();
  if (!image || ((const unsigned char*)image)[0] == 0) return INVALID_IMAGE;
  for (int i = 1; i < MAX_MODULES; i++) if (!modules_live[i]) { modules_live[i] = 1; *m = (uint64_t)i; return SUCCESS; }
  return OUT_OF_MEMORY;
}
CUresult cuModuleUnload(uint64_t m) {
  NEED_CTX();
  if (m == 0 || m >= MAX_MODULES || !modules_live[m]) return INVALID_HANDLE;
  modules_live[m] = 0;
  return SUCCESS;
}
CUresult cuModuleGetFunction(uint64_t* f, uint64_t m, const char* name) {
  NEED_CTX();
  if (m == 0 || m >= MAX_MODULES || !modules_live[m]) return INVALID_HANDLE;
  const EmuKernel* k = emu_find_kernel(name);
  if (!k) return NOT_FOUND;
  int known = 0;
  for (int i = 0; i < handed_count; i++) known |= handed_out[i] == k;
  if (!known && handed_count < MAX_FUNCTIONS) handed_out[handed_count++] = k;
  *f = (uint64_t)(uintptr_t)k;
  return SUCCESS;
}
CUresult cuLaunchKernel(uint64_t f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, unsigned shared,
                        uint64_t stream, void* params, void* extra) {
  (void)stream;
  NEED_CTX();
  const EmuKernel* k = (const EmuKernel*)(uintptr_t)f;
  int known = 0;
  for (int i = 0; i < handed_count; i++) known |= handed_out[i] == k;
  if (!known) return INVALID_HANDLE;
  // The driver's launch limits (compute capability 8.0).
  if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0) return INVALID_VALUE;
  if (gx > 2147483647u || gy > 65535 || gz > 65535) return INVALID_VALUE;
  if (bx > 1024 || by > 1024 || bz > 64 || (unsigned long)bx * by * bz > 1024) return INVALID_VALUE;
  if (shared > 49152 || extra != NULL) return INVALID_VALUE;
  if (!params) return INVALID_VALUE;
  return emu_launch(k, gx, gy, gz, bx, by, bz, (void**)params) ? SUCCESS : LAUNCH_FAILED;
}
