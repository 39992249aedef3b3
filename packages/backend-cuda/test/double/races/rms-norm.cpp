// Race cases of kernels/rms-norm.cu: forward and dx with more rows than blocks and two warps a
// block; dgamma as column sums split over row ranges meeting through atomicAdd.
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE

RACE_CASES("rms-norm") {
  int rows = 5, cols = 100;
  auto x = race::uniform((size_t)rows * cols, -2, 2), dy = race::uniform(x.size(), -1, 1);
  auto gamma = race::uniform(cols, 0.5f, 1.5f);
  std::vector<float> y(x.size()), dx(x.size()), rrms(rows), dgamma(cols);
  LAUNCH(rms_norm_forward, dims(2), dims(64), x.data(), gamma.data(), y.data(), rrms.data(), rows, cols, 1e-6f);
  LAUNCH(rms_norm_backward_dx, dims(2), dims(64), x.data(), gamma.data(), dy.data(), rrms.data(), dx.data(), rows, cols);
  LAUNCH(rms_norm_backward_gamma, dims(2, 3), dims(64), x.data(), dy.data(), rrms.data(), dgamma.data(), rows, cols, 2);
}
