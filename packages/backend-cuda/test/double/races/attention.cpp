// Race cases of kernels/attention.cu: the launches of src/tensor-backend/fused/attention.ts (8 warps
// a block, one row or key per warp) on two causal shapes with several 32-row tiles, with and without
// the padding bias, so each block reloads its shared tiles while other warps may still read them.
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE

static void run_attention(int batch, int heads, int tq, int tk, int d, bool bias, int causal) {
  int bh = batch * heads;
  auto q = race::uniform((size_t)bh * tq * d, -1, 1), k = race::uniform((size_t)bh * tk * d, -1, 1);
  auto v = race::uniform((size_t)bh * tk * d, -1, 1), dy = race::uniform((size_t)bh * tq * d, -1, 1);
  auto kb = race::uniform((size_t)batch * tk, -1, 0);
  std::vector<float> out((size_t)bh * tq * d), lse((size_t)bh * tq), delta((size_t)bh * tq);
  std::vector<float> dq(q.size()), dk(k.size()), dv(v.size());
  const float* key_bias = bias ? kb.data() : nullptr;
  float scale = 1.f / sqrtf((float)d);
  unsigned rows = (unsigned)(tq + ATT_ROWS - 1) / ATT_ROWS, keys = (unsigned)(tk + ATT_ROWS - 1) / ATT_ROWS;
  dim3 block = dims(ATT_ROWS * WARP);
  LAUNCH(attention_forward, dims(rows, bh), block, q.data(), k.data(), v.data(), key_bias, out.data(), lse.data(), heads, tq, tk, d, scale, causal);
  LAUNCH(attention_backward_delta, dims((unsigned)(bh * tq + ATT_ROWS - 1) / ATT_ROWS), block, dy.data(), out.data(), delta.data(), bh * tq, d);
  LAUNCH(attention_backward_dq, dims(rows, bh), block, q.data(), k.data(), v.data(), key_bias, dy.data(), lse.data(), delta.data(), dq.data(), heads, tq, tk, d, scale, causal);
  LAUNCH(attention_backward_dkv, dims(keys, bh), block, q.data(), k.data(), v.data(), key_bias, dy.data(), lse.data(), delta.data(), dk.data(), dv.data(), heads, tq, tk, d, scale, causal);
}

RACE_CASES("attention") {
  run_attention(1, 1, 40, 40, 16, true, 1); // two tiles, bias, causal
  run_attention(1, 1, 7, 45, 40, false, 1); // KV-cache shape: Tq < Tk, the last query aligned to the last key
}
