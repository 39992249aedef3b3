// Bag-of-words features for the baselines: scikit-learn's CountVectorizer tokens (lowercased runs of
// two or more word characters, its default `(?u)\b\w\w+\b`) counted over a vocabulary fitted on the
// training texts.
import { ConfigError } from '@llmkit/core';

// A maximal run of 2+ word characters is exactly what \b\w\w+\b matches; Python's Unicode \w is
// letters, digits (all numeric categories) and underscore, which JavaScript's \w (ASCII) is not.
const WORD = /[\p{L}\p{N}\p{M}_]{2,}/gu;

/** CountVectorizer's default analyzer: lowercase, then the runs of 2+ word characters. */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export interface BagOfWordsOptions {
  /** Keep the words in at least this many training texts (default 1). */
  minDf?: number;
  /** Keep at most this many words, the most frequent over the training texts (ties alphabetically; default all). */
  maxFeatures?: number;
  /** 1 for present words instead of counts (default false). */
  binary?: boolean;
}

/** A vocabulary fitted on training texts; `transform` counts its words in any text. */
export class BagOfWords {
  private readonly index: Map<string, number>;

  private constructor(
    /** The words, in column order (sorted, as CountVectorizer's `get_feature_names_out`). */
    readonly vocabulary: string[],
    readonly binary: boolean,
  ) {
    this.index = new Map(vocabulary.map((w, i) => [w, i]));
  }

  static fit(texts: readonly string[], options: BagOfWordsOptions = {}): BagOfWords {
    const where = 'BagOfWords.fit';
    const { minDf = 1, maxFeatures = Infinity, binary = false } = options;
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) throw new ConfigError(`${where}: 'texts' must be an array of strings`);
    if (!(Number.isInteger(minDf) && minDf >= 1)) throw new ConfigError(`${where}: 'minDf' must be a positive integer; got ${String(minDf)}`);
    if (!(maxFeatures === Infinity || (Number.isInteger(maxFeatures) && maxFeatures >= 1))) throw new ConfigError(`${where}: 'maxFeatures' must be a positive integer; got ${String(maxFeatures)}`);
    const df = new Map<string, number>();
    const tf = new Map<string, number>();
    for (const text of texts) {
      const words = wordTokens(text);
      for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
      for (const w of new Set(words)) df.set(w, (df.get(w) ?? 0) + 1);
    }
    const kept = [...df].filter(([, n]) => n >= minDf).map(([w]) => w);
    // As CountVectorizer's max_features: the highest corpus counts, then the columns sorted.
    kept.sort((a, b) => tf.get(b)! - tf.get(a)! || (a < b ? -1 : 1));
    const vocabulary = kept.slice(0, maxFeatures).sort();
    if (vocabulary.length === 0) throw new ConfigError(`${where}: no word is left (minDf ${minDf}); the texts have no runs of 2+ word characters`);
    return new BagOfWords(vocabulary, binary);
  }

  /** One row of counts per text, columns in `vocabulary` order; unknown words are ignored. */
  transform(texts: readonly string[]): Float64Array[] {
    return texts.map((text) => {
      const row = new Float64Array(this.vocabulary.length);
      for (const w of wordTokens(text)) {
        const j = this.index.get(w);
        if (j !== undefined) row[j] = this.binary ? 1 : row[j]! + 1;
      }
      return row;
    });
  }
}
