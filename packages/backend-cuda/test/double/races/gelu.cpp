// Race cases of kernels/gelu.cu: elementwise, a grid-stride loop over more elements than threads.
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE

RACE_CASES("gelu") {
  int n = 300;
  auto x = race::uniform(n, -3, 3), dy = race::uniform(n, -1, 1);
  std::vector<float> y(n), dx(n);
  LAUNCH(gelu_erf_forward, dims(2), dims(64), x.data(), y.data(), n);
  LAUNCH(gelu_erf_backward, dims(2), dims(64), x.data(), dy.data(), dx.data(), n);
  LAUNCH(gelu_tanh_forward, dims(2), dims(64), x.data(), y.data(), n);
  LAUNCH(gelu_tanh_backward, dims(2), dims(64), x.data(), dy.data(), dx.data(), n);
}
