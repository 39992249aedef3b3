// Race cases of kernels/softmax.cu: more rows than blocks (grid-stride rows, so a block reuses its
// reduction scratch across rows) and three warps a block, as tensor-backend's launches (up to 256).
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE

RACE_CASES("softmax") {
  int rows = 5, cols = 150;
  auto x = race::uniform((size_t)rows * cols, -3, 3), dy = race::uniform(x.size(), -1, 1);
  std::vector<float> y(x.size()), ly(x.size()), dx(x.size());
  if (LAUNCH(softmax_forward, dims(2), dims(96), x.data(), y.data(), rows, cols))
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int c = 0; c < cols; c++) s += y[(size_t)r * cols + c];
      race::expect_near("sum of a softmax row", s, 1, 1e-5);
    }
  LAUNCH(log_softmax_forward, dims(2), dims(96), x.data(), ly.data(), rows, cols);
  LAUNCH(softmax_backward, dims(2), dims(96), y.data(), dy.data(), dx.data(), rows, cols);
  LAUNCH(log_softmax_backward, dims(2), dims(96), ly.data(), dy.data(), dx.data(), rows, cols);
}
