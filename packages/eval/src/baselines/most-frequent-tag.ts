// The tagging floor: each word gets the tag it carried most often in training, unseen words the
// commonest tag overall ('O' in entity tagging). What a tagger that reads context has to beat.
import { ConfigError, ShapeError } from '@llmkit/core';

export class MostFrequentTag {
  private constructor(
    private readonly byWord: ReadonlyMap<string, string>,
    /** The tag of words not seen in training: the commonest tag of all. */
    readonly fallback: string,
  ) {}

  /** Counts tags per word over tagged sentences; ties go to the tag that sorts first. */
  static fit(sentences: readonly { tokens: readonly string[]; tags: readonly string[] }[]): MostFrequentTag {
    const where = 'MostFrequentTag.fit';
    if (!Array.isArray(sentences) || sentences.length === 0) throw new ConfigError(`${where}: 'sentences' must be a non-empty array of { tokens, tags }`);
    const counts = new Map<string, Map<string, number>>();
    const overall = new Map<string, number>();
    sentences.forEach(({ tokens, tags }, i) => {
      if (!Array.isArray(tokens) || !Array.isArray(tags)) throw new ConfigError(`${where}: 'sentences[${i}]' must have 'tokens' and 'tags' arrays`);
      if (tokens.length !== tags.length) throw new ShapeError(`${where}: 'sentences[${i}]' has ${tokens.length} tokens but ${tags.length} tags`);
      tokens.forEach((word, j) => {
        const tag = tags[j]!;
        const perWord = counts.get(word) ?? new Map<string, number>();
        counts.set(word, perWord);
        perWord.set(tag, (perWord.get(tag) ?? 0) + 1);
        overall.set(tag, (overall.get(tag) ?? 0) + 1);
      });
    });
    const best = (m: Map<string, number>): string => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    return new MostFrequentTag(new Map([...counts].map(([w, m]) => [w, best(m)])), best(overall));
  }

  /** One tag per token. */
  predict(tokens: readonly string[]): string[] {
    return tokens.map((w) => this.byWord.get(w) ?? this.fallback);
  }
}
