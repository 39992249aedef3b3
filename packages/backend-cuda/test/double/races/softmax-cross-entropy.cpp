// Race cases of kernels/softmax-cross-entropy.cu: more rows than blocks (max then sum over the
// block, the scratch reused across rows), three warps a block, one row's target ignored.
#include "race-harness.h"
#include LLMKIT_KERNEL_SOURCE

RACE_CASES("softmax-cross-entropy") {
  int rows = 5, vocab = 130, ignore = -100;
  auto logits = race::uniform((size_t)rows * vocab, -3, 3), dloss = race::uniform(rows, 0.1f, 1);
  auto targets = race::integers(rows, 0, vocab);
  targets[2] = ignore;
  std::vector<float> loss(rows), lse(rows), dlogits(logits.size());
  LAUNCH(xent_forward, dims(2), dims(96), logits.data(), targets.data(), loss.data(), lse.data(), rows, vocab, ignore);
  LAUNCH(xent_backward, dims(2), dims(96), logits.data(), targets.data(), lse.data(), dloss.data(), dlogits.data(), rows, vocab, ignore);
}
