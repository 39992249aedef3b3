// LayerNorm forward (saving each row's mean and 1/std) and backward (dx, dgamma, dbeta) over
// [rows, cols], two passes per row as llmkit's JavaScript host kernel (variance about the mean).
#include "simd-math.h"

EXPORT(layer_norm)
void layer_norm(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *rstd, int rows, int cols, float eps) {
  const int full = cols & ~3, tail = cols - full;
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (long)r * cols;
    float *yr = y + (long)r * cols;
    f4 s = splat(0.0f);
    for (int c = 0; c < full; c += 4) s = add(s, load(xr + c));
    if (tail) s = add(s, load_part(xr + full, tail, 0.0f));
    const float m = hsum(s) / cols;
    const f4 vm = splat(m);
    f4 v = splat(0.0f);
    for (int c = 0; c < full; c += 4) { f4 d = sub(load(xr + c), vm); v = add(v, mul(d, d)); }
    if (tail) { f4 d = sub(load_part(xr + full, tail, m), vm); v = add(v, mul(d, d)); }
    const float rs = 1.0f / __builtin_sqrtf(hsum(v) / cols + eps);
    const f4 vr = splat(rs);
    for (int c = 0; c < full; c += 4)
      store(yr + c, add(mul(mul(sub(load(xr + c), vm), vr), load(gamma + c)), load(beta + c)));
    if (tail)
      store_part(yr + full, tail, add(mul(mul(sub(load_part(xr + full, tail, 0.0f), vm), vr), load_part(gamma + full, tail, 0.0f)), load_part(beta + full, tail, 0.0f)));
    mean[r] = m;
    rstd[r] = rs;
  }
}

EXPORT(layer_norm_grad)
void layer_norm_grad(const float *dy, const float *x, const float *gamma, const float *mean, const float *rstd,
                     float *dx, float *dgamma, float *dbeta, int rows, int cols) {
  const int full = cols & ~3, tail = cols - full;
  for (int c = 0; c < cols; c++) { dgamma[c] = 0.0f; dbeta[c] = 0.0f; }
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (long)r * cols, *dyr = dy + (long)r * cols;
    float *dxr = dx + (long)r * cols;
    const f4 vm = splat(mean[r]), vr = splat(rstd[r]);
    f4 sg = splat(0.0f), sgx = splat(0.0f);
    for (int c = 0; c < full; c += 4) {
      f4 d = load(dyr + c), xh = mul(sub(load(xr + c), vm), vr), g = mul(d, load(gamma + c));
      store(dgamma + c, add(load(dgamma + c), mul(d, xh)));
      store(dbeta + c, add(load(dbeta + c), d));
      sg = add(sg, g);
      sgx = add(sgx, mul(g, xh));
    }
    if (tail) {
      f4 d = load_part(dyr + full, tail, 0.0f), xh = mul(sub(load_part(xr + full, tail, mean[r]), vm), vr);
      f4 g = mul(d, load_part(gamma + full, tail, 0.0f));
      store_part(dgamma + full, tail, add(load_part(dgamma + full, tail, 0.0f), mul(d, xh)));
      store_part(dbeta + full, tail, add(load_part(dbeta + full, tail, 0.0f), d));
      sg = add(sg, g);
      sgx = add(sgx, mul(g, xh));
    }
    const f4 mg = splat(hsum(sg) / cols), mgx = splat(hsum(sgx) / cols);
    for (int c = 0; c < full; c += 4) {
      f4 xh = mul(sub(load(xr + c), vm), vr);
      store(dxr + c, mul(vr, sub(sub(mul(load(dyr + c), load(gamma + c)), mg), mul(xh, mgx))));
    }
    if (tail) {
      f4 xh = mul(sub(load_part(xr + full, tail, 0.0f), vm), vr);
      store_part(dxr + full, tail, mul(vr, sub(sub(mul(load_part(dyr + full, tail, 0.0f), load_part(gamma + full, tail, 0.0f)), mg), mul(xh, mgx))));
    }
  }
}
