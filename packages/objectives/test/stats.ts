// Statistical bounds for the sampling tests: a count of n Bernoulli(p) trials lies within k standard
// deviations of n·p. At k = 5 a correct sampler fails one check in ~1.7 million.
import { expect } from 'vitest';

export function expectBinomial(label: string, count: number, n: number, p: number, k = 5): void {
  const mean = n * p;
  const sd = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(count - mean), `${label}: ${count} of ${n}, expected ${mean.toFixed(1)} ± ${k}·${sd.toFixed(2)}`).toBeLessThanOrEqual(k * sd + 1e-9);
}
