// cuBLASLt for the CPU test double, in the same library as cuda-driver-double.c (operands, bias and
// output are checked against the double's allocations): the subset cublaslt.ts binds, with float32
// column-major matrices (order COL), strided batches and the epilogues DEFAULT, RELU, BIAS,
// RELU_BIAS, GELU (tanh form, as Lt's) and GELU_BIAS, computed in double precision.
// Status codes follow cublasLt.h: an unknown or destroyed handle is CUBLAS_STATUS_NOT_INITIALIZED;
// a null buffer, a size that is not the attribute's, or an attribute this double does not model is
// CUBLAS_STATUS_INVALID_VALUE at SetAttribute; a configuration the layouts cannot express (shapes
// that do not chain, a leading dimension below the rows, batch counts that differ, a bias epilogue
// without a bias) is CUBLAS_STATUS_NOT_SUPPORTED from the heuristic ("no heuristic for this
// configuration") and CUBLAS_STATUS_INVALID_VALUE from cublasLtMatmul ("in conflict or in an
// impossible configuration"); a type, order or epilogue outside the subset is NOT_SUPPORTED; an
// operand reaching past its allocation is CUBLAS_STATUS_EXECUTION_FAILED (the device would fault).
#include <math.h>
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum { ST_SUCCESS = 0, ST_NOT_INITIALIZED = 1, ST_ALLOC_FAILED = 3, ST_INVALID_VALUE = 7, ST_EXECUTION_FAILED = 13, ST_NOT_SUPPORTED = 15 };
enum { COMPUTE_32F = 68, COMPUTE_32F_FAST_TF32 = 77, R_32F = 0 };
enum { EP_DEFAULT = 1, EP_RELU = 2, EP_BIAS = 4, EP_GELU = 32 };
int double_holds_range(uint64_t p, size_t bytes); // cuda-driver-double.c
double double_dot(int ta, int tb, size_t i, size_t j, size_t k, const float* A, size_t lda, const float* B, size_t ldb); // cublas-double.c

typedef struct { uint32_t magic; int compute, scale, pointer_mode, transa, transb, transc; uint32_t epilogue; uint64_t bias; int64_t bias_stride; } Desc;
typedef struct { uint32_t magic; uint32_t type; int32_t order; uint64_t rows, cols; int64_t ld; int32_t batch; int64_t stride; } Layout;
typedef struct { uint32_t magic; uint32_t search_mode; uint64_t max_workspace; } Pref;
typedef struct { uint64_t data[8]; size_t workspaceSize; int state; float wavesCount; int reserved[4]; } HeuristicResult;
_Static_assert(sizeof(HeuristicResult) == 96, "cublasLtMatmulHeuristicResult_t is 96 bytes");

static const uint32_t DESC_MAGIC = 0x4C744D44, LAYOUT_MAGIC = 0x4C744C59, PREF_MAGIC = 0x4C745046;
static const uint64_t ALGO_MAGIC = 0x4C74416C676F0001ull;

// Live objects of every kind, so that a destroyed or foreign handle is refused rather than read.
#define MAX_LIVE 4096
static void* live[MAX_LIVE];
static int live_count = 0;
static uint64_t lt_handles[16];
static int lt_count = 0, lt_next = 1;

static int track(void* p) {
  if (!p || live_count == MAX_LIVE) { free(p); return 0; }
  live[live_count++] = p;
  return 1;
}
// Tracks a newly made object (null: allocation failed) and writes its handle to `out`.
static int hand_out(void* p, uint64_t* out) {
  if (!track(p)) return ST_ALLOC_FAILED;
  *out = (uint64_t)(uintptr_t)p;
  return ST_SUCCESS;
}
static int is_live(const void* p, uint32_t magic) {
  if (!p) return 0;
  for (int i = 0; i < live_count; i++) if (live[i] == p) return *(const uint32_t*)p == magic;
  return 0;
}
static int untrack(void* p, uint32_t magic) {
  for (int i = 0; i < live_count; i++) {
    if (live[i] == p && *(uint32_t*)p == magic) { live[i] = live[--live_count]; free(p); return ST_SUCCESS; }
  }
  return ST_INVALID_VALUE;
}
static int lt_valid(uint64_t h) {
  for (int i = 0; i < lt_count; i++) if (lt_handles[i] == h) return 1;
  return 0;
}

int cublasLtCreate(uint64_t* handle) {
  if (!handle) return ST_INVALID_VALUE;
  if (lt_count == 16) return ST_ALLOC_FAILED;
  *handle = lt_handles[lt_count++] = 0x17000000 + (uint64_t)lt_next++;
  return ST_SUCCESS;
}
int cublasLtDestroy(uint64_t h) {
  for (int i = 0; i < lt_count; i++) if (lt_handles[i] == h) { lt_handles[i] = lt_handles[--lt_count]; return ST_SUCCESS; }
  return ST_NOT_INITIALIZED;
}

int cublasLtMatmulDescCreate(uint64_t* out, int compute, int scale) {
  if (!out) return ST_INVALID_VALUE;
  Desc* d = malloc(sizeof(Desc));
  if (d) *d = (Desc){ DESC_MAGIC, compute, scale, 0, 0, 0, 0, EP_DEFAULT, 0, 0 };
  return hand_out(d, out);
}
int cublasLtMatmulDescDestroy(uint64_t desc) { return untrack((void*)(uintptr_t)desc, DESC_MAGIC); }

#define SET(field, type) do { if (size != sizeof(type)) return ST_INVALID_VALUE; type v; memcpy(&v, buf, sizeof v); field = v; return ST_SUCCESS; } while (0)

int cublasLtMatmulDescSetAttribute(uint64_t desc, int attr, const void* buf, size_t size) {
  Desc* d = (Desc*)(uintptr_t)desc;
  if (!is_live(d, DESC_MAGIC) || !buf) return ST_INVALID_VALUE;
  switch (attr) {
    case 0: SET(d->compute, int32_t);
    case 1: SET(d->scale, int32_t);
    case 2: SET(d->pointer_mode, int32_t);
    case 3: SET(d->transa, int32_t);
    case 4: SET(d->transb, int32_t);
    case 5: SET(d->transc, int32_t);
    case 7: SET(d->epilogue, uint32_t);
    case 8: SET(d->bias, uint64_t);
    case 10: SET(d->bias_stride, int64_t);
    default: return ST_INVALID_VALUE;  // not modelled by the double
  }
}

int cublasLtMatrixLayoutCreate(uint64_t* out, int type, uint64_t rows, uint64_t cols, int64_t ld) {
  if (!out) return ST_INVALID_VALUE;
  Layout* l = malloc(sizeof(Layout));
  if (l) *l = (Layout){ LAYOUT_MAGIC, (uint32_t)type, 0, rows, cols, ld, 1, 0 };
  return hand_out(l, out);
}
int cublasLtMatrixLayoutDestroy(uint64_t layout) { return untrack((void*)(uintptr_t)layout, LAYOUT_MAGIC); }
int cublasLtMatrixLayoutSetAttribute(uint64_t layout, int attr, const void* buf, size_t size) {
  Layout* l = (Layout*)(uintptr_t)layout;
  if (!is_live(l, LAYOUT_MAGIC) || !buf) return ST_INVALID_VALUE;
  switch (attr) {
    case 0: SET(l->type, uint32_t);
    case 1: SET(l->order, int32_t);
    case 2: SET(l->rows, uint64_t);
    case 3: SET(l->cols, uint64_t);
    case 4: SET(l->ld, int64_t);
    case 5: SET(l->batch, int32_t);
    case 6: SET(l->stride, int64_t);
    default: return ST_INVALID_VALUE;
  }
}

int cublasLtMatmulPreferenceCreate(uint64_t* out) {
  if (!out) return ST_INVALID_VALUE;
  Pref* p = malloc(sizeof(Pref));
  if (p) *p = (Pref){ PREF_MAGIC, 0, 0 };
  return hand_out(p, out);
}
int cublasLtMatmulPreferenceDestroy(uint64_t pref) { return untrack((void*)(uintptr_t)pref, PREF_MAGIC); }
int cublasLtMatmulPreferenceSetAttribute(uint64_t pref, int attr, const void* buf, size_t size) {
  Pref* p = (Pref*)(uintptr_t)pref;
  if (!is_live(p, PREF_MAGIC) || !buf) return ST_INVALID_VALUE;
  switch (attr) {
    case 0: SET(p->search_mode, uint32_t);
    case 1: SET(p->max_workspace, uint64_t);
    default: return ST_INVALID_VALUE;
  }
}

static int modelled_epilogue(uint32_t e) {
  return e == EP_DEFAULT || e == EP_RELU || e == EP_BIAS || e == (EP_RELU | EP_BIAS) || e == EP_GELU || e == (EP_GELU | EP_BIAS);
}

// ST_SUCCESS when the layouts chain into D = op(A)·op(B) (+ C); otherwise `conflict` (the caller's
// status for an impossible configuration) or NOT_SUPPORTED for what lies outside the subset.
static int check_config(const Desc* d, const Layout* a, const Layout* b, const Layout* c, const Layout* dd, int conflict) {
  if (!is_live(d, DESC_MAGIC) || !is_live(a, LAYOUT_MAGIC) || !is_live(b, LAYOUT_MAGIC) || !is_live(c, LAYOUT_MAGIC) || !is_live(dd, LAYOUT_MAGIC))
    return ST_INVALID_VALUE;
  if ((d->compute != COMPUTE_32F && d->compute != COMPUTE_32F_FAST_TF32) || d->scale != R_32F || d->pointer_mode != 0 || d->transc != 0)
    return ST_NOT_SUPPORTED;
  if (a->type != R_32F || b->type != R_32F || c->type != R_32F || dd->type != R_32F) return ST_NOT_SUPPORTED;
  if (a->order || b->order || c->order || dd->order) return ST_NOT_SUPPORTED;
  if (!modelled_epilogue(d->epilogue)) return ST_NOT_SUPPORTED;
  if ((d->transa != 0 && d->transa != 1) || (d->transb != 0 && d->transb != 1)) return ST_NOT_SUPPORTED;
  uint64_t m = dd->rows, n = dd->cols;
  uint64_t am = d->transa ? a->cols : a->rows, ak = d->transa ? a->rows : a->cols;
  uint64_t bk = d->transb ? b->cols : b->rows, bn = d->transb ? b->rows : b->cols;
  if (am != m || bn != n || ak != bk || c->rows != m || c->cols != n) return conflict;
  const Layout* all[4] = { a, b, c, dd };
  for (int i = 0; i < 4; i++) {
    int64_t min_ld = all[i]->rows > 1 ? (int64_t)all[i]->rows : 1;
    if (all[i]->ld < min_ld || all[i]->batch < 1 || all[i]->batch != dd->batch || all[i]->stride < 0) return conflict;
  }
  return ST_SUCCESS;
}

int cublasLtMatmulAlgoGetHeuristic(uint64_t h, uint64_t desc, uint64_t A, uint64_t B, uint64_t C, uint64_t D, uint64_t pref, int requested,
                                   HeuristicResult* results, int* count) {
  if (!lt_valid(h)) return ST_NOT_INITIALIZED;
  if (requested <= 0 || !results || !count || !is_live((void*)(uintptr_t)pref, PREF_MAGIC)) return ST_INVALID_VALUE;
  int st = check_config((Desc*)(uintptr_t)desc, (Layout*)(uintptr_t)A, (Layout*)(uintptr_t)B, (Layout*)(uintptr_t)C, (Layout*)(uintptr_t)D, ST_NOT_SUPPORTED);
  if (st) return st;
  memset(results, 0, sizeof(HeuristicResult));
  results[0].data[0] = ALGO_MAGIC;
  results[0].workspaceSize = 0;  // the double's loops need no scratch
  results[0].state = ST_SUCCESS;
  results[0].wavesCount = 1.0f;
  *count = 1;
  return ST_SUCCESS;
}

static size_t span(const Layout* l) {
  return l->rows == 0 || l->cols == 0 ? 0 : (size_t)l->ld * (size_t)(l->cols - 1) + (size_t)l->rows;
}
static int holds(const float* p, size_t elements) {
  return elements == 0 || double_holds_range((uint64_t)(uintptr_t)p, elements * sizeof(float));
}

int cublasLtMatmul(uint64_t h, uint64_t desc, const float* alpha, const float* A, uint64_t Adesc, const float* B, uint64_t Bdesc,
                   const float* beta, const float* C, uint64_t Cdesc, float* D, uint64_t Ddesc, const HeuristicResult* algo,
                   void* workspace, size_t workspaceBytes, uint64_t stream) {
  (void)workspace; (void)workspaceBytes; (void)stream;
  if (!lt_valid(h)) return ST_NOT_INITIALIZED;
  const Desc* d = (Desc*)(uintptr_t)desc;
  const Layout *la = (Layout*)(uintptr_t)Adesc, *lb = (Layout*)(uintptr_t)Bdesc, *lc = (Layout*)(uintptr_t)Cdesc, *ld = (Layout*)(uintptr_t)Ddesc;
  int st = check_config(d, la, lb, lc, ld, ST_INVALID_VALUE);
  if (st) return st;
  if (!alpha || !beta || !algo || algo->data[0] != ALGO_MAGIC) return ST_INVALID_VALUE;
  const int has_bias = (d->epilogue & EP_BIAS) != 0, relu = (d->epilogue & EP_RELU) != 0, gelu = (d->epilogue & EP_GELU) != 0;
  if (has_bias && !d->bias) return ST_INVALID_VALUE;
  const size_t m = ld->rows, n = ld->cols, k = d->transa ? la->rows : la->cols;
  const float* bias = (const float*)(uintptr_t)d->bias;
  if (has_bias && !holds(bias, m + (size_t)d->bias_stride * (size_t)(ld->batch - 1))) return ST_EXECUTION_FAILED;
  for (int z = 0; z < ld->batch; z++) {
    const float *a = A + z * la->stride, *b = B + z * lb->stride, *c = C + z * lc->stride;
    float* out = D + z * ld->stride;
    if (!holds(a, span(la)) || !holds(b, span(lb)) || (*beta != 0.f && !holds(c, span(lc))) || !holds(out, span(ld))) return ST_EXECUTION_FAILED;
    const float* zb = has_bias ? bias + z * d->bias_stride : NULL;
    for (size_t j = 0; j < n; j++)
      for (size_t i = 0; i < m; i++) {
        double s = double_dot(d->transa, d->transb, i, j, k, a, (size_t)la->ld, b, (size_t)lb->ld);
        double v = (double)*alpha * s + (*beta == 0.f ? 0.0 : (double)*beta * c[i + j * (size_t)lc->ld]);
        if (zb) v += zb[i];  // one bias value per row of D, broadcast over its columns
        if (relu) v = v > 0 ? v : 0;
        if (gelu) v = 0.5 * v * (1.0 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
        out[i + j * (size_t)ld->ld] = (float)v;
      }
  }
  return ST_SUCCESS;
}
