// Race cases of kernels/elementwise-unary.cu: every op once over more elements than the grid's
// threads (grid-stride loops), in place of nothing: each thread owns its elements.
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE

RACE_CASES("elementwise-unary") {
  int n = 200;
  auto x = race::uniform(n, 0.1f, 3);
  auto ix = race::integers(n, -50, 50);
  std::vector<float> out(n);
  std::vector<int> iout(n);
#define U(op) LAUNCH(unary_##op, dims(2), dims(64), x.data(), out.data(), n)
  U(neg); U(abs); U(exp); U(log); U(log1p); U(sqrt); U(rsqrt); U(square); U(reciprocal); U(tanh);
  U(sigmoid); U(softplus); U(relu); U(step); U(sign); U(erf); U(sin); U(cos); U(floor); U(round);
  U(is_nan); U(is_finite); U(logical_not);
#undef U
  LAUNCH(unary_clip, dims(2), dims(64), x.data(), out.data(), n, 0.5f, 2.f);
  LAUNCH(unary_affine, dims(2), dims(64), x.data(), out.data(), n, 2.f, -1.f);
  LAUNCH(cast_i32_f32, dims(2), dims(64), ix.data(), out.data(), n);
  LAUNCH(cast_f32_i32, dims(2), dims(64), x.data(), iout.data(), n);
  LAUNCH(fill_f32, dims(2), dims(64), out.data(), n, 3.f);
  LAUNCH(range_f32, dims(2), dims(64), out.data(), n, 1.f, 0.5f);
}
