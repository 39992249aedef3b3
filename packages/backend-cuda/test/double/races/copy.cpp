// Race cases of kernels/copy.cu: strided copies through a Layout (a transpose of a [3, 5, 7]
// tensor), Tile, and the shared-memory tiled transpose with 32x8 blocks over partial 32x32 tiles.
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE

RACE_CASES("copy") {
  // out [7, 3, 5] = transpose(in [3, 5, 7], [2, 0, 1]): out index -> in offset (stride 0 = in, 1 = out).
  Layout l{};
  l.rank = 3;
  int shape[3] = {7, 3, 5}, in_stride[3] = {1, 35, 7}, out_stride[3] = {15, 5, 1};
  for (int d = 0; d < 3; d++) {
    l.shape[d] = shape[d];
    l.stride[0][d] = in_stride[d];
    l.stride[1][d] = out_stride[d];
  }
  int n = 105;
  auto in = race::uniform(n, -1, 1);
  auto iin = race::integers(n, -9, 9);
  std::vector<float> out(n);
  std::vector<int> iout(n);
  LAUNCH(strided_copy_f32, dims(2), dims(64), in.data(), 0, out.data(), 0, n, l);
  LAUNCH(strided_copy_i32, dims(2), dims(64), iin.data(), 0, iout.data(), 0, n, l);

  // tile [3, 5] -> [6, 10]: l.stride[0] holds the input's contiguous strides.
  Layout t{}, in_shape{};
  t.rank = in_shape.rank = 2;
  t.shape[0] = 6, t.shape[1] = 10, in_shape.shape[0] = 3, in_shape.shape[1] = 5;
  t.stride[0][0] = 5, t.stride[0][1] = 1;
  std::vector<float> tiled(60);
  LAUNCH(tile_f32, dims(1), dims(64), in.data(), tiled.data(), 60, t, in_shape);

  int batch = 2, rows = 40, cols = 50;
  auto m = race::uniform((size_t)batch * rows * cols, -1, 1);
  std::vector<float> mt(m.size());
  LAUNCH(transpose_last2, dims((cols + TT - 1) / TT, (rows + TT - 1) / TT, batch), dims(TT, 8), m.data(), mt.data(), rows, cols);
}
