// Race cases of kernels/layer-norm.cu: forward and dx with more rows than blocks (two block sums a
// row, the scratch reused) and two warps a block; dgamma/dbeta as column sums split over row
// ranges meeting through atomicAdd, as src/tensor-backend/fused/layer-norm.ts launches them.
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE

RACE_CASES("layer-norm") {
  int rows = 5, cols = 100;
  auto x = race::uniform((size_t)rows * cols, -2, 2), dy = race::uniform(x.size(), -1, 1);
  auto gamma = race::uniform(cols, 0.5f, 1.5f), beta = race::uniform(cols, -0.5f, 0.5f);
  std::vector<float> y(x.size()), dx(x.size()), mean(rows), rstd(rows), dgamma(cols), dbeta(cols);
  LAUNCH(layer_norm_forward, dims(2), dims(64), x.data(), gamma.data(), beta.data(), y.data(), mean.data(), rstd.data(), rows, cols, 1e-5f);
  LAUNCH(layer_norm_backward_dx, dims(2), dims(64), x.data(), gamma.data(), dy.data(), mean.data(), rstd.data(), dx.data(), rows, cols);
  LAUNCH(layer_norm_backward_params, dims(2, 3), dims(64), x.data(), dy.data(), mean.data(), rstd.data(), dgamma.data(), dbeta.data(), rows, cols, 2);
}
