// Race cases of kernels/adamw.cu: one launch over two tensors of the table (blockIdx.y), each
// larger than the grid's threads, in place and out of place (adamw_update); the sum of squares
// meets across blocks and tensors via atomicAdd.
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE

RACE_CASES("adamw") {
  const int sizes[2] = {300, 37};
  std::vector<float> p[2], g[2], m[2], v[2];
  AdamTensor table[2];
  for (int t = 0; t < 2; t++) {
    p[t] = race::uniform(sizes[t], -1, 1);
    g[t] = race::uniform(sizes[t], -1, 1);
    m[t] = race::uniform(sizes[t], -0.1f, 0.1f);
    v[t] = race::uniform(sizes[t], 0, 0.1f);
    table[t] = {p[t].data(), g[t].data(), m[t].data(), v[t].data(), sizes[t], t == 0 ? 0.01f : 0.f};
  }
  float norm = 0.f;
  LAUNCH(sum_squares_multi_tensor, dims(2, 2), dims(64), table, &norm);
  LAUNCH(adamw_multi_tensor, dims(2, 2), dims(64), table, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.1f, 0.001f, 0.5f);

  // core's LlmkitAdamW, out of place: new parameters and moments into separate buffers.
  std::vector<float> p_out[2], m_out[2], v_out[2];
  AdamWSlot slots[2];
  for (int t = 0; t < 2; t++) {
    p_out[t].resize(sizes[t]), m_out[t].resize(sizes[t]), v_out[t].resize(sizes[t]);
    slots[t] = {p[t].data(), g[t].data(), m[t].data(), v[t].data(), p_out[t].data(), m_out[t].data(), v_out[t].data(), sizes[t], t == 0 ? 0.99999f : 1.f};
  }
  LAUNCH(adamw_update, dims(2, 2), dims(64), slots, 0.9f, 0.999f, 0.1f, 0.001f, 1e-8f, 1e-3f, 0.03f);
}
