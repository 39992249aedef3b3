// Race cases of kernels/reduce.cu: row reductions with more rows than blocks (the scratch reused
// across rows) and three warps a block, ArgMax/ArgMin one block a row, the one-thread-a-row
// product, and column sums split over rows that meet through atomicAdd.
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE

RACE_CASES("reduce") {
  int rows = 5, cols = 150;
  auto x = race::uniform((size_t)rows * cols, -2, 2);
  auto flags = race::integers(x.size(), 0, 2);
  std::vector<float> b(flags.begin(), flags.end());
  std::vector<float> out(rows), colsum(cols);
  std::vector<int> index(rows);
  if (LAUNCH(reduce_sum, dims(2), dims(96), x.data(), out.data(), rows, cols))
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int c = 0; c < cols; c++) s += x[(size_t)r * cols + c];
      race::expect_near("reduce_sum of a row", out[r], s, 1e-4);
    }
  LAUNCH(reduce_mean, dims(2), dims(96), x.data(), out.data(), rows, cols);
  LAUNCH(reduce_max, dims(2), dims(96), x.data(), out.data(), rows, cols);
  LAUNCH(reduce_min, dims(2), dims(96), x.data(), out.data(), rows, cols);
  LAUNCH(reduce_all, dims(2), dims(96), b.data(), out.data(), rows, cols);
  LAUNCH(reduce_any, dims(2), dims(96), b.data(), out.data(), rows, cols);
  LAUNCH(reduce_prod, dims(1), dims(64), x.data(), out.data(), rows, cols);
  if (LAUNCH(reduce_argmax, dims(rows), dims(96), x.data(), index.data(), rows, cols))
    for (int r = 0; r < rows; r++) {
      int best = 0;
      for (int c = 1; c < cols; c++) best = x[(size_t)r * cols + c] > x[(size_t)r * cols + best] ? c : best;
      race::expect_near("reduce_argmax of a row", index[r], best, 0);
    }
  LAUNCH(reduce_argmin, dims(rows), dims(96), x.data(), index.data(), rows, cols);
  LAUNCH(column_sum, dims(3, 2), dims(64), x.data(), colsum.data(), rows, cols, 3);
}
