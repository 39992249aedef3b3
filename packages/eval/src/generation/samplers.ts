// Token choice from one row of processed scores, behind one call signature (KerasHub's samplers):
// greedy takes the argmax, multinomial draws from softmax(scores) with core's seeded Rng.
import type { Rng } from '@llmkit/core';

export interface Sampler {
  /** The chosen token id for one row of scores [V]. */
  select(scores: Float32Array, rng: Rng): number;
  getConfig(): Record<string, unknown>;
}

/** argmax; the first index on ties (as torch.argmax). */
export class GreedySampler implements Sampler {
  select(scores: Float32Array): number {
    let best = 0;
    for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
    return best;
  }
  getConfig() {
    return { type: 'greedy' };
  }
}

/** One draw from softmax(scores) by inverse CDF; -Infinity scores are never drawn. */
export class MultinomialSampler implements Sampler {
  select(scores: Float32Array, rng: Rng): number {
    let max = -Infinity;
    for (const s of scores) if (s > max) max = s;
    const w = new Float64Array(scores.length);
    let sum = 0;
    for (let i = 0; i < scores.length; i++) sum += w[i] = scores[i] === -Infinity ? 0 : Math.exp(scores[i]! - max);
    let u = rng.nextFloat() * sum;
    let last = -1;
    for (let i = 0; i < w.length; i++) {
      if (w[i] === 0) continue;
      last = i;
      u -= w[i]!;
      if (u < 0) return i;
    }
    return last; // rounding left u >= 0: the last token with weight
  }
  getConfig() {
    return { type: 'multinomial' };
  }
}
