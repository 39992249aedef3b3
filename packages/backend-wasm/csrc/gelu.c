// GELU forward and backward over n floats, tanh and erf forms (torch.nn.functional.gelu's
// 'tanh' and 'none'), one pass each; the math of llmkit's JavaScript host kernel, 4 lanes at once.
#include "simd-math.h"

#define SQRT_2_OVER_PI 0.7978845608028654f
#define INV_SQRT_2PI 0.3989422804014327f
#define COEF 0.044715f

static inline f4 gelu_tanh4(f4 x) {
  f4 u = mul(splat(SQRT_2_OVER_PI), add(x, mul(splat(COEF), mul(x, mul(x, x)))));
  f4 th, s2;
  v_tanh_sech2(u, &th, &s2);
  return mul(mul(splat(0.5f), x), add(splat(1.0f), th));
}

static inline f4 gelu_tanh_grad4(f4 dy, f4 x) {
  f4 x2 = mul(x, x);
  f4 u = mul(splat(SQRT_2_OVER_PI), mul(x, add(splat(1.0f), mul(splat(COEF), x2))));
  f4 du = mul(splat(SQRT_2_OVER_PI), add(splat(1.0f), mul(splat(3.0f * COEF), x2)));
  f4 th, s2;
  v_tanh_sech2(u, &th, &s2);
  f4 d = add(mul(splat(0.5f), add(splat(1.0f), th)), mul(mul(splat(0.5f), x), mul(s2, du)));
  return mul(dy, d);
}

static inline f4 gelu_erf4(f4 x) {
  return mul(mul(splat(0.5f), x), add(splat(1.0f), v_erf(mul(x, splat(0.7071067811865476f)))));
}

static inline f4 gelu_erf_grad4(f4 dy, f4 x) {
  f4 cdf = mul(splat(0.5f), add(splat(1.0f), v_erf(mul(x, splat(0.7071067811865476f)))));
  f4 pdf = mul(splat(INV_SQRT_2PI), v_exp(mul(splat(-0.5f), mul(x, x))));
  return mul(dy, add(cdf, mul(x, pdf)));
}

EXPORT(gelu_tanh) void gelu_tanh(const float *x, float *y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) store(y + i, gelu_tanh4(load(x + i)));
  if (i < n) store_part(y + i, n - i, gelu_tanh4(load_part(x + i, n - i, 0.0f)));
}

EXPORT(gelu_tanh_grad) void gelu_tanh_grad(const float *dy, const float *x, float *dx, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) store(dx + i, gelu_tanh_grad4(load(dy + i), load(x + i)));
  if (i < n) store_part(dx + i, n - i, gelu_tanh_grad4(load_part(dy + i, n - i, 0.0f), load_part(x + i, n - i, 0.0f)));
}

EXPORT(gelu_erf) void gelu_erf(const float *x, float *y, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) store(y + i, gelu_erf4(load(x + i)));
  if (i < n) store_part(y + i, n - i, gelu_erf4(load_part(x + i, n - i, 0.0f)));
}

EXPORT(gelu_erf_grad) void gelu_erf_grad(const float *dy, const float *x, float *dx, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) store(dx + i, gelu_erf_grad4(load(dy + i), load(x + i)));
  if (i < n) store_part(dx + i, n - i, gelu_erf_grad4(load_part(dy + i, n - i, 0.0f), load_part(x + i, n - i, 0.0f)));
}
