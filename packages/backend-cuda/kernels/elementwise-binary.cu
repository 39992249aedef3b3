// Elementwise binary ops with numpy broadcasting: out[i] = f(a[offA(i)], b[offB(i)]), the offsets
// from a Layout whose broadcast dimensions have stride 0. A fast path for same-shape operands.
#include "llmkit.cuh"

#define BINARY(name, expr)                                                                              \
  extern "C" __global__ void binary_##name(const float* __restrict__ a, const float* __restrict__ b,   \
                                           float* __restrict__ out, int n, Layout l) {                 \
    FOR_EACH(i, n) {                                                                                    \
      int oa, ob, unused;                                                                               \
      layout_offsets(l, i, &oa, &ob, &unused);                                                          \
      float x = a[oa], y = b[ob];                                                                       \
      out[i] = (expr);                                                                                  \
    }                                                                                                   \
  }                                                                                                     \
  extern "C" __global__ void binary_##name##_same(const float* __restrict__ a, const float* __restrict__ b, \
                                                  float* __restrict__ out, int n) {                     \
    FOR_EACH(i, n) {                                                                                    \
      float x = a[i], y = b[i];                                                                         \
      out[i] = (expr);                                                                                  \
    }                                                                                                   \
  }

BINARY(add, x + y)
BINARY(sub, x - y)
BINARY(mul, x * y)
BINARY(div, x / y)
BINARY(maximum, fmaxf(x, y))
BINARY(minimum, fminf(x, y))
BINARY(pow, powf(x, y))
BINARY(squared_difference, (x - y) * (x - y))
BINARY(greater, x > y ? 1.f : 0.f)
BINARY(greater_equal, x >= y ? 1.f : 0.f)
BINARY(less, x < y ? 1.f : 0.f)
BINARY(less_equal, x <= y ? 1.f : 0.f)
BINARY(equal, x == y ? 1.f : 0.f)
BINARY(not_equal, x != y ? 1.f : 0.f)
BINARY(logical_and, (x != 0.f && y != 0.f) ? 1.f : 0.f)
BINARY(logical_or, (x != 0.f || y != 0.f) ? 1.f : 0.f)
// tfjs FloorDiv and Mod (result takes the divisor's sign, as Python's %).
BINARY(floor_div, floorf(x / y))
BINARY(mod, x - y * floorf(x / y))
// Gradient helpers: relu' * dy, and the GELU-free leaky paths use where.
BINARY(relu_grad, y > 0.f ? x : 0.f)

// Select (tfjs Where): out = cond ? a : b, all three broadcast.
extern "C" __global__ void select_f32(const float* __restrict__ cond, const float* __restrict__ a, const float* __restrict__ b,
                                      float* __restrict__ out, int n, Layout l) {
  FOR_EACH(i, n) {
    int oc, oa, ob;
    layout_offsets(l, i, &oc, &oa, &ob);
    out[i] = cond[oc] != 0.f ? a[oa] : b[ob];
  }
}

// AddN in one pass over up to 8 inputs (the caller chains groups of 8).
extern "C" __global__ void add_n(const float* const* __restrict__ inputs, int count, float* __restrict__ out, int n) {
  FOR_EACH(i, n) {
    float s = 0.f;
    for (int k = 0; k < count; ++k) s += inputs[k][i];
    out[i] = s;
  }
}
