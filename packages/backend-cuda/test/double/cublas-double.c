// cuBLAS for the CPU test double, in the same library as cuda-driver-double.c (so operands are
// checked against the double's allocations): the calls cublas.ts binds, SGEMM as column-major
// loops in double precision. Argument checks follow cuBLAS (CUBLAS_STATUS_INVALID_VALUE for a bad
// op, a negative size or a leading dimension below the rows of its matrix); an operand reaching past
// its allocation is CUBLAS_STATUS_EXECUTION_FAILED (the device would fault).
#include <stdint.h>
#include <stddef.h>

enum { CB_SUCCESS = 0, CB_NOT_INITIALIZED = 1, CB_INVALID_VALUE = 7, CB_EXECUTION_FAILED = 13 };
int double_holds_range(uint64_t p, size_t bytes); // cuda-driver-double.c

static uint64_t live_handles[64];
static int handle_count = 0, next_handle = 1;

static int valid(uint64_t h) {
  for (int i = 0; i < handle_count; i++) if (live_handles[i] == h) return 1;
  return 0;
}

int cublasCreate_v2(uint64_t* handle) {
  if (!handle || handle_count == 64) return CB_INVALID_VALUE;
  *handle = live_handles[handle_count++] = 0xB1A5000 + (uint64_t)next_handle++;
  return CB_SUCCESS;
}
int cublasDestroy_v2(uint64_t h) {
  for (int i = 0; i < handle_count; i++) if (live_handles[i] == h) { live_handles[i] = live_handles[--handle_count]; return CB_SUCCESS; }
  return CB_NOT_INITIALIZED;
}
int cublasGetVersion_v2(uint64_t h, int* v) { if (!valid(h)) return CB_NOT_INITIALIZED; *v = 110000 + 11 * 100 + 3; return CB_SUCCESS; }
int cublasSetStream_v2(uint64_t h, uint64_t s) { (void)s; return valid(h) ? CB_SUCCESS : CB_NOT_INITIALIZED; }
int cublasSetMathMode(uint64_t h, int mode) {
  if (!valid(h)) return CB_NOT_INITIALIZED;
  return mode == 0 || mode == 3 ? CB_SUCCESS : CB_INVALID_VALUE;
}

// Elements a column-major rows x cols matrix with leading dimension ld spans.
static size_t span(int rows, int cols, int ld) { return rows == 0 || cols == 0 ? 0 : (size_t)ld * (size_t)(cols - 1) + (size_t)rows; }

static int check(int ta, int tb, int m, int n, int k, int lda, int ldb, int ldc) {
  if ((ta != 0 && ta != 1) || (tb != 0 && tb != 1) || m < 0 || n < 0 || k < 0) return CB_INVALID_VALUE;
  int arows = ta ? k : m, brows = tb ? n : k;
  if (lda < (arows > 1 ? arows : 1) || ldb < (brows > 1 ? brows : 1) || ldc < (m > 1 ? m : 1)) return CB_INVALID_VALUE;
  return CB_SUCCESS;
}

// Sum over p of op(A)[i][p]·op(B)[p][j] in double precision, for column-major A and B (cuBLASLt's double uses it too).
double double_dot(int ta, int tb, size_t i, size_t j, size_t k, const float* A, size_t lda, const float* B, size_t ldb) {
  double s = 0;
  for (size_t p = 0; p < k; p++) {
    float a = ta ? A[p + i * lda] : A[i + p * lda];
    float b = tb ? B[j + p * ldb] : B[p + j * ldb];
    s += (double)a * b;
  }
  return s;
}

static int gemm_one(int ta, int tb, int m, int n, int k, float alpha, const float* A, int lda, const float* B, int ldb, float beta, float* C, int ldc) {
  size_t sa = ta ? span(k, m, lda) : span(m, k, lda), sb = tb ? span(n, k, ldb) : span(k, n, ldb), sc = span(m, n, ldc);
  if ((sa && !double_holds_range((uint64_t)(uintptr_t)A, sa * 4)) || (sb && !double_holds_range((uint64_t)(uintptr_t)B, sb * 4)) ||
      (sc && !double_holds_range((uint64_t)(uintptr_t)C, sc * 4)))
    return CB_EXECUTION_FAILED;
  for (int j = 0; j < n; j++)
    for (int i = 0; i < m; i++) {
      double s = double_dot(ta, tb, (size_t)i, (size_t)j, (size_t)k, A, (size_t)lda, B, (size_t)ldb);
      float* c = &C[i + (size_t)j * ldc];
      *c = (float)(alpha * s + (beta == 0.f ? 0.0 : (double)beta * *c)); // beta 0: C is not read (may hold NaN)
    }
  return CB_SUCCESS;
}

int cublasSgemm_v2(uint64_t h, int ta, int tb, int m, int n, int k, const float* alpha, const float* A, int lda, const float* B, int ldb,
                   const float* beta, float* C, int ldc) {
  if (!valid(h)) return CB_NOT_INITIALIZED;
  int st = check(ta, tb, m, n, k, lda, ldb, ldc);
  return st ? st : gemm_one(ta, tb, m, n, k, *alpha, A, lda, B, ldb, *beta, C, ldc);
}

int cublasSgemmStridedBatched(uint64_t h, int ta, int tb, int m, int n, int k, const float* alpha, const float* A, int lda, int64_t strideA,
                              const float* B, int ldb, int64_t strideB, const float* beta, float* C, int ldc, int64_t strideC, int batch) {
  if (!valid(h)) return CB_NOT_INITIALIZED;
  int st = check(ta, tb, m, n, k, lda, ldb, ldc);
  if (st) return st;
  if (batch < 0) return CB_INVALID_VALUE;
  for (int b = 0; b < batch; b++) {
    st = gemm_one(ta, tb, m, n, k, *alpha, A + b * strideA, lda, B + b * strideB, ldb, *beta, C + b * strideC, ldc);
    if (st) return st;
  }
  return CB_SUCCESS;
}
