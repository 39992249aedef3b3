// Vector math shared by the kernels (WebAssembly SIMD, 4 floats a vector; no libm: -nostdlib).
// exp is Cephes' expf (range reduction to |r| <= ln2/2, degree-5 polynomial; ~2 ulp), tanh on
// |x| < 2 the [13/6] rational fit llmkit's JavaScript GELU uses (Eigen's constants).
#ifndef LLMKIT_SIMD_MATH_H
#define LLMKIT_SIMD_MATH_H
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef v128_t f4;

static inline f4 splat(float x) { return wasm_f32x4_splat(x); }
static inline f4 add(f4 a, f4 b) { return wasm_f32x4_add(a, b); }
static inline f4 sub(f4 a, f4 b) { return wasm_f32x4_sub(a, b); }
static inline f4 mul(f4 a, f4 b) { return wasm_f32x4_mul(a, b); }
static inline f4 fdiv(f4 a, f4 b) { return wasm_f32x4_div(a, b); }
static inline f4 load(const float *p) { return wasm_v128_load(p); }
static inline void store(float *p, f4 v) { wasm_v128_store(p, v); }

/** The first n (< 4) floats at p, the other lanes set to `fill`. */
static inline f4 load_part(const float *p, int n, float fill) {
  f4 v = splat(fill);
  if (n > 0) v = wasm_f32x4_replace_lane(v, 0, p[0]);
  if (n > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
  if (n > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
  return v;
}
static inline void store_part(float *p, int n, f4 v) {
  if (n > 0) p[0] = wasm_f32x4_extract_lane(v, 0);
  if (n > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (n > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

static inline float hsum(f4 v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}
static inline float hmax(f4 v) {
  float a = wasm_f32x4_extract_lane(v, 0), b = wasm_f32x4_extract_lane(v, 1);
  float c = wasm_f32x4_extract_lane(v, 2), d = wasm_f32x4_extract_lane(v, 3);
  float ab = a > b || a != a ? a : b, cd = c > d || c != c ? c : d;
  return ab > cd || ab != ab ? ab : cd;
}

/** e^x per lane: 0 below -87.3 (and for -inf), inf above 88.7, NaN stays NaN. */
static inline f4 v_exp(f4 x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, splat(-88.3762626647949f)), splat(88.3762626647949f));
  f4 fx = wasm_f32x4_floor(add(mul(x, splat(1.44269504088896341f)), splat(0.5f)));
  x = sub(x, mul(fx, splat(0.693359375f)));
  x = sub(x, mul(fx, splat(-2.12194440e-4f)));
  f4 y = splat(1.9875691500E-4f);
  y = add(mul(y, x), splat(1.3981999507E-3f));
  y = add(mul(y, x), splat(8.3334519073E-3f));
  y = add(mul(y, x), splat(4.1665795894E-2f));
  y = add(mul(y, x), splat(1.6666665459E-1f));
  y = add(mul(y, x), splat(5.0000001201E-1f));
  y = add(add(mul(y, mul(x, x)), x), splat(1.0f));
  // 2^n as a float's exponent field; n = -127 gives 0 (the true value is below float's normals).
  v128_t n = wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(fx), wasm_i32x4_splat(127));
  return mul(y, (f4)wasm_i32x4_shl(n, 23));
}

/** tanh on |x| < 2 (error < 2.6e-8); callers choose another form outside. */
static inline f4 v_tanh_rational(f4 x) {
  f4 x2 = mul(x, x);
  f4 p = splat(-2.76076847742355e-16f);
  p = add(mul(p, x2), splat(2.00018790482477e-13f));
  p = add(mul(p, x2), splat(-8.60467152213735e-11f));
  p = add(mul(p, x2), splat(5.12229709037114e-08f));
  p = add(mul(p, x2), splat(1.48572235717979e-05f));
  p = add(mul(p, x2), splat(6.37261928875436e-04f));
  p = add(mul(p, x2), splat(4.89352455891786e-03f));
  p = mul(p, x);
  f4 q = splat(1.19825839466702e-06f);
  q = add(mul(q, x2), splat(1.18534705686654e-04f));
  q = add(mul(q, x2), splat(2.26843463243900e-03f));
  q = add(mul(q, x2), splat(4.89352518554385e-03f));
  return fdiv(p, q);
}

/**
 * tanh(x) and sech²(x) = 1 - tanh²(x): the rational fit on |x| < 2; outside, from E = e^(-2|x|),
 * tanh = sign·(1 - E)/(1 + E) and sech² = 4E/(1 + E)², which keeps sech²'s relative precision
 * where 1 - tanh² would cancel.
 */
static inline void v_tanh_sech2(f4 x, f4 *th, f4 *sech2) {
  f4 ax = wasm_f32x4_abs(x);
  f4 small = wasm_f32x4_lt(ax, splat(2.0f));
  f4 r = v_tanh_rational(x);
  // Most GELU inputs sit inside (-2, 2): skip the exp branch when every lane does (same bits).
  if (wasm_i32x4_all_true(small)) {
    *th = r;
    *sech2 = sub(splat(1.0f), mul(r, r));
    return;
  }
  f4 e = v_exp(mul(ax, splat(-2.0f)));
  f4 one_e = add(splat(1.0f), e);
  f4 big = fdiv(sub(splat(1.0f), e), one_e);
  big = wasm_v128_or(big, wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000)));
  *th = wasm_v128_bitselect(r, big, small);
  *sech2 = wasm_v128_bitselect(sub(splat(1.0f), mul(r, r)), fdiv(mul(splat(4.0f), e), mul(one_e, one_e)), small);
}

/** erf via the Chebyshev fit of erfc in Numerical Recipes (fractional error < 1.2e-7), as llmkit's JavaScript. */
static inline f4 v_erf(f4 x) {
  f4 z = wasm_f32x4_abs(x);
  f4 t = fdiv(splat(1.0f), add(splat(1.0f), mul(splat(0.5f), z)));
  f4 p = splat(0.17087277f);
  p = add(mul(p, t), splat(-0.82215223f));
  p = add(mul(p, t), splat(1.48851587f));
  p = add(mul(p, t), splat(-1.13520398f));
  p = add(mul(p, t), splat(0.27886807f));
  p = add(mul(p, t), splat(-0.18628806f));
  p = add(mul(p, t), splat(0.09678418f));
  p = add(mul(p, t), splat(0.37409196f));
  p = add(mul(p, t), splat(1.00002368f));
  p = add(mul(p, t), splat(-1.26551223f));
  f4 erfc = mul(t, v_exp(sub(p, mul(z, z))));
  f4 pos = sub(splat(1.0f), erfc);
  return wasm_v128_bitselect(pos, wasm_f32x4_neg(pos), wasm_f32x4_ge(x, splat(0.0f)));
}

/** Natural log of a positive finite float, in double (error ~1e-10): log-sum-exp's last step. */
static inline float log_positive(float s) {
  if (!(s > 0.0f) || s != s) return s != s ? s : (s == 0.0f ? -__builtin_inff() : __builtin_nanf(""));
  if (s == __builtin_inff()) return s;
  union { float f; unsigned u; } v = { s };
  int e = (int)((v.u >> 23) & 255u) - 127;
  if (e == -127) { v.f = s * 8388608.0f; e = (int)((v.u >> 23) & 255u) - 127 - 23; }
  v.u = (v.u & 0x007fffffu) | 0x3f800000u;
  double m = v.f;
  if (m > 1.4142135623730951) { m *= 0.5; e += 1; }
  double z = (m - 1.0) / (m + 1.0), z2 = z * z;
  double r = 2.0 * z * (1.0 + z2 * (1.0 / 3 + z2 * (1.0 / 5 + z2 * (1.0 / 7 + z2 * (1.0 / 9 + z2 * (1.0 / 11 + z2 / 13))))));
  return (float)(r + e * 0.6931471805599453);
}

#endif
