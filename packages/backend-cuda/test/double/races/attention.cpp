// Race cases of kernels/attention.cu: the launches of src/tensor-backend/fused/attention.ts (8 warps
// a block, one row or key per warp) on two causal shapes with several 32-row tiles, with and without
// the padding bias, so each block reloads its shared tiles while other warps may still read them.
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE
#include <algorithm>

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
  bool forward = LAUNCH(attention_forward, dims(rows, bh), block, q.data(), k.data(), v.data(), key_bias, out.data(), lse.data(), heads, tq, tk, d, scale, causal);
  // The forward's log-sum-exp against the host's: the thread model's shuffles must add up.
  for (int b = 0; forward && b < bh; b++)
    for (int i = 0; i < tq; i++) {
      int end = causal ? std::min(tk, i + tk - tq + 1) : tk;
      double m = -INFINITY, s = 0;
      std::vector<double> sc(end);
      for (int j = 0; j < end; j++) {
        double dot = 0;
        for (int c = 0; c < d; c++) dot += (double)q[((size_t)b * tq + i) * d + c] * k[((size_t)b * tk + j) * d + c];
        sc[j] = dot * scale + (bias ? kb[(size_t)(b / heads) * tk + j] : 0.);
        m = std::max(m, sc[j]);
      }
      for (int j = 0; j < end; j++) s += exp(sc[j] - m);
      race::expect_near("attention_forward lse", lse[(size_t)b * tq + i], m + log(s), 1e-4);
    }
  LAUNCH(attention_backward_delta, dims((unsigned)(bh * tq + ATT_ROWS - 1) / ATT_ROWS), block, dy.data(), out.data(), delta.data(), bh * tq, d);
  LAUNCH(attention_backward_dq, dims(rows, bh), block, q.data(), k.data(), v.data(), key_bias, dy.data(), lse.data(), delta.data(), dq.data(), heads, tq, tk, d, scale, causal);
  LAUNCH(attention_backward_dkv, dims(keys, bh), block, q.data(), k.data(), v.data(), key_bias, dy.data(), lse.data(), delta.data(), dk.data(), dv.data(), heads, tq, tk, d, scale, causal);
}

RACE_CASES("attention") {
  run_attention(1, 1, 40, 40, 16, true, 1); // two tiles, bias, causal
  run_attention(1, 1, 7, 45, 40, false, 1); // KV-cache shape: Tq < Tk, the last query aligned to the last key
}
