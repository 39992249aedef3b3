// Race cases of kernels/elementwise-binary.cu: every op with broadcasting ([6, 20] with [20]) and
// same-shape, Select with three broadcast operands, AddN over three inputs.
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE

RACE_CASES("elementwise-binary") {
  int rows = 6, cols = 20, n = rows * cols;
  auto a = race::uniform(n, 0.5f, 2), b = race::uniform(n, 0.5f, 2), row = race::uniform(cols, 0.5f, 2);
  std::vector<float> out(n);
  // out [6, 20] from a [6, 20] and a row [20] (stride 0 over rows); the third operand unused.
  Layout l{};
  l.rank = 2;
  l.shape[0] = rows, l.shape[1] = cols;
  l.stride[0][0] = cols, l.stride[0][1] = 1;
  l.stride[1][0] = 0, l.stride[1][1] = 1;
#define B(op)                                                            \
  LAUNCH(binary_##op, dims(2), dims(64), a.data(), row.data(), out.data(), n, l); \
  LAUNCH(binary_##op##_same, dims(2), dims(64), a.data(), b.data(), out.data(), n)
  B(add); B(sub); B(mul); B(div); B(maximum); B(minimum); B(pow); B(squared_difference); B(greater);
  B(greater_equal); B(less); B(less_equal); B(equal); B(not_equal); B(logical_and); B(logical_or);
  B(floor_div); B(mod); B(relu_grad);
#undef B
  // Select: cond [6, 20], a [20] broadcast, b [6, 20].
  Layout s{};
  s.rank = 2;
  s.shape[0] = rows, s.shape[1] = cols;
  s.stride[0][0] = cols, s.stride[0][1] = 1;
  s.stride[1][0] = 0, s.stride[1][1] = 1;
  s.stride[2][0] = cols, s.stride[2][1] = 1;
  auto flags = race::integers(n, 0, 2);
  std::vector<float> cond(flags.begin(), flags.end());
  LAUNCH(select_f32, dims(2), dims(64), cond.data(), row.data(), b.data(), out.data(), n, s);
  const float* inputs[3] = {a.data(), b.data(), out.data()};
  std::vector<float> sum(n);
  LAUNCH(add_n, dims(2), dims(64), inputs, 3, sum.data(), n);
}
