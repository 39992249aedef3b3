// Row-wise log-sum-exp, logSoftmax forward/backward and softmax cross-entropy's gradient over
// [rows, cols] (the loss itself is lse - logit[label], summed by the caller, which also checks labels).
#include "simd-math.h"

static float row_lse(const float *xr, int cols) {
  const int full = cols & ~3, tail = cols - full;
  f4 mx = splat(-__builtin_inff());
  for (int c = 0; c < full; c += 4) mx = wasm_f32x4_max(mx, load(xr + c));
  if (tail) mx = wasm_f32x4_max(mx, load_part(xr + full, tail, -__builtin_inff()));
  const float m = hmax(mx);
  if (m == -__builtin_inff()) return m;
  const f4 vm = splat(m);
  f4 s = splat(0.0f);
  for (int c = 0; c < full; c += 4) s = add(s, v_exp(sub(load(xr + c), vm)));
  if (tail) s = add(s, v_exp(sub(load_part(xr + full, tail, -__builtin_inff()), vm)));
  return m + log_positive(hsum(s));
}

EXPORT(log_sum_exp_rows) void log_sum_exp_rows(const float *x, float *lse, int rows, int cols) {
  for (int r = 0; r < rows; r++) lse[r] = row_lse(x + (long)r * cols, cols);
}

EXPORT(log_softmax) void log_softmax(const float *x, float *y, int rows, int cols) {
  const int full = cols & ~3, tail = cols - full;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (long)r * cols;
    float *yr = y + (long)r * cols;
    const f4 l = splat(row_lse(xr, cols));
    for (int c = 0; c < full; c += 4) store(yr + c, sub(load(xr + c), l));
    if (tail) store_part(yr + full, tail, sub(load_part(xr + full, tail, 0.0f), l));
  }
}

EXPORT(log_softmax_grad) void log_softmax_grad(const float *dy, const float *y, float *dx, int rows, int cols) {
  const int full = cols & ~3, tail = cols - full;
  for (int r = 0; r < rows; r++) {
    const float *dyr = dy + (long)r * cols, *yr = y + (long)r * cols;
    float *dxr = dx + (long)r * cols;
    f4 s4 = splat(0.0f);
    for (int c = 0; c < full; c += 4) s4 = add(s4, load(dyr + c));
    if (tail) s4 = add(s4, load_part(dyr + full, tail, 0.0f));
    const f4 s = splat(hsum(s4));
    for (int c = 0; c < full; c += 4) store(dxr + c, sub(load(dyr + c), mul(v_exp(load(yr + c)), s)));
    if (tail) store_part(dxr + full, tail, sub(load_part(dyr + full, tail, 0.0f), mul(v_exp(load_part(yr + full, tail, 0.0f)), s)));
  }
}

/** d = (softmax(x) - onehot(label)) · scale per row; rows whose label is `ignore` get zeros. */
EXPORT(softmax_cross_entropy_grad)
void softmax_cross_entropy_grad(const float *x, const int *labels, const float *lse, float *d, int rows, int cols, int ignore, float scale) {
  const int full = cols & ~3, tail = cols - full;
  const f4 vs = splat(scale);
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (long)r * cols;
    float *dr = d + (long)r * cols;
    const int label = labels[r];
    if (label == ignore) {
      for (int c = 0; c < cols; c++) dr[c] = 0.0f;
      continue;
    }
    const f4 l = splat(lse[r]);
    for (int c = 0; c < full; c += 4) store(dr + c, mul(v_exp(sub(load(xr + c), l)), vs));
    if (tail) store_part(dr + full, tail, mul(v_exp(sub(load_part(xr + full, tail, 0.0f), l)), vs));
    dr[label] -= scale;
  }
}
