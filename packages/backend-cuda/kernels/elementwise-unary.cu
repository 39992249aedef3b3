// Elementwise unary ops on contiguous float32 (and the int32<->float32 casts): out[i] = f(x[i]).
// One kernel per op (a switch in the loop would cost registers for every op).
#include "llmkit.cuh"

#define UNARY(name, expr)                                                              \
  extern "C" __global__ void unary_##name(const float* __restrict__ x, float* __restrict__ out, int n) { \
    FOR_EACH(i, n) {                                                                   \
      float v = x[i];                                                                  \
      out[i] = (expr);                                                                 \
    }                                                                                  \
  }

UNARY(neg, -v)
UNARY(abs, fabsf(v))
UNARY(exp, expf(v))
UNARY(log, logf(v))
UNARY(log1p, log1pf(v))
UNARY(sqrt, sqrtf(v))
UNARY(rsqrt, rsqrtf(v))
UNARY(square, v * v)
UNARY(reciprocal, 1.f / v)
UNARY(tanh, tanhf(v))
UNARY(sigmoid, 1.f / (1.f + expf(-v)))
UNARY(softplus, v > 20.f ? v : log1pf(expf(v)))
UNARY(relu, v > 0.f ? v : 0.f)
UNARY(step, v > 0.f ? 1.f : 0.f)
UNARY(sign, v > 0.f ? 1.f : (v < 0.f ? -1.f : 0.f))
UNARY(erf, erff(v))
UNARY(sin, sinf(v))
UNARY(cos, cosf(v))
UNARY(floor, floorf(v))
UNARY(round, rintf(v))
UNARY(is_nan, isnan(v) ? 1.f : 0.f)
UNARY(is_finite, isfinite(v) ? 1.f : 0.f)
UNARY(logical_not, v == 0.f ? 1.f : 0.f)

// out = clamp(x, lo, hi) (ClipByValue).
extern "C" __global__ void unary_clip(const float* __restrict__ x, float* __restrict__ out, int n, float lo, float hi) {
  FOR_EACH(i, n) out[i] = fminf(fmaxf(x[i], lo), hi);
}

// Scalar affine map out = x * a + b (Cast of bool, scaling by constants, LeakyRelu-free fast path).
extern "C" __global__ void unary_affine(const float* __restrict__ x, float* __restrict__ out, int n, float a, float b) {
  FOR_EACH(i, n) out[i] = fmaf(x[i], a, b);
}

extern "C" __global__ void cast_i32_f32(const int* __restrict__ x, float* __restrict__ out, int n) {
  FOR_EACH(i, n) out[i] = (float)x[i];
}

// tfjs casts float to int by truncation toward zero.
extern "C" __global__ void cast_f32_i32(const float* __restrict__ x, int* __restrict__ out, int n) {
  FOR_EACH(i, n) out[i] = (int)x[i];
}

extern "C" __global__ void fill_f32(float* __restrict__ out, int n, float value) {
  FOR_EACH(i, n) out[i] = value;
}

// Range: out[i] = start + i * step.
extern "C" __global__ void range_f32(float* __restrict__ out, int n, float start, float step) {
  FOR_EACH(i, n) out[i] = start + (float)i * step;
}
