// Race cases of kernels/gather.cu: gathers, the scatter-add gradient and segment sum with repeated
// indices (threads of different blocks add into one row through atomicAdd), one-hot.
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE

RACE_CASES("gather") {
  int outer = 2, axis = 10, inner = 24, count = 9;
  auto table = race::uniform((size_t)outer * axis * inner, -1, 1);
  auto itable = race::integers(table.size(), -5, 5);
  auto indices = race::integers(count, 0, axis);
  indices[3] = indices[0]; // a repeated token
  auto dy = race::uniform((size_t)outer * count * inner, -1, 1);
  std::vector<float> out(dy.size()), dtable(table.size()), segments((size_t)axis * inner), hot((size_t)count * axis);
  std::vector<int> iout(dy.size());
  LAUNCH(gather_f32, dims(2), dims(64), table.data(), indices.data(), out.data(), outer, axis, inner, count);
  LAUNCH(gather_i32, dims(2), dims(64), itable.data(), indices.data(), iout.data(), outer, axis, inner, count);
  LAUNCH(gather_backward, dims(2), dims(64), dy.data(), indices.data(), dtable.data(), outer, axis, inner, count);
  LAUNCH(segment_sum, dims(2), dims(64), dy.data(), indices.data(), segments.data(), count, inner, axis);
  LAUNCH(one_hot, dims(2), dims(64), indices.data(), hot.data(), count, axis, 1.f, 0.f);
}
