// The floor every classifier is compared with: always predict the commonest training label.
import { ConfigError } from '@llmkit/core';

/** scikit-learn's DummyClassifier('most_frequent'): the commonest training label (the smallest on a tie). */
export function majorityClass<L extends string | number>(labels: readonly L[]): L {
  if (!Array.isArray(labels) || labels.length === 0) throw new ConfigError(`majorityClass: 'labels' must be a non-empty array; got ${Array.isArray(labels) ? 'an empty one' : typeof labels}`);
  const counts = new Map<L, number>();
  for (const y of labels) counts.set(y, (counts.get(y) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0]![0];
}
