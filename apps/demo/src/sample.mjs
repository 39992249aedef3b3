// A plain seeded temperature sampler over GPT's KV cache: the prompt once, then one token per call;
// when the context is full, the last `contextSize - 1` tokens are recomputed without a cache.
import { tf } from '@llmkit/core';

/** `n` new token ids after `prompt` (ids), drawn from softmax(logits / temperature) with `rng` (core's Rng). */
export async function generate(model, prompt, { maxNewTokens, temperature = 1, topK = 0, contextSize, rng }) {
  model.eval();
  const ids = Array.from(prompt);
  let cache = model.createCache();
  let pending = ids.slice(-contextSize);
  for (let i = 0; i < maxNewTokens; i++) {
    if (cache && cache.length + pending.length > contextSize) {
      // The position table ends here: from now on, recompute over a sliding window.
      cache.dispose();
      cache = undefined;
    }
    if (!cache) pending = ids.slice(-(contextSize - 1));
    const row = tf.tidy(() => {
      const inputIds = tf.tensor2d(pending, [1, pending.length], 'int32');
      const { logits } = model.forward(cache ? { inputIds, cache } : { inputIds });
      return logits.slice([0, pending.length - 1, 0], [1, 1, -1]).reshape([-1]);
    });
    const logits = await row.data();
    row.dispose();
    const next = sampleFrom(logits, temperature, topK, rng);
    ids.push(next);
    pending = [next];
  }
  cache?.dispose();
  model.train();
  return ids.slice(prompt.length);
}

function sampleFrom(logits, temperature, topK, rng) {
  let max = -Infinity;
  for (const l of logits) max = Math.max(max, l);
  if (temperature === 0) return logits.indexOf(max);
  const cutoff = topK > 0 ? [...logits].sort((a, b) => b - a)[Math.min(topK, logits.length) - 1] : -Infinity;
  const weights = Array.from(logits, (l) => (l >= cutoff ? Math.exp((l - max) / temperature) : 0));
  let r = rng.nextFloat() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  return weights.length - 1;
}
