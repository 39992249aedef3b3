// Pseudo-perplexity of a masked LM (Salazar et al. 2020, "Masked Language Model Scoring"): each
// token in turn is replaced by the mask token and scored by the model given all the others;
// PPPL = exp(-mean log p). The masked copies of a sequence run as batches.
import { ConfigError, logSoftmax, tf } from '@llmkit/core';

/** A masked LM as layers' BERT is one (structural). */
export interface MaskedLM {
  forward(inputs: { inputIds: tf.Tensor; attentionMask?: tf.Tensor; tokenTypeIds?: tf.Tensor }): { logits: tf.Tensor };
  readonly config?: { vocabSize?: number; maxPositionEmbeddings?: number };
  readonly training?: boolean;
  train?(mode?: boolean): unknown;
}

export interface PseudoPerplexityOptions {
  /** Id of the mask token ([MASK]); required. */
  maskTokenId: number;
  /** Positions not scored (e.g. [CLS] at 0 and [SEP] at the end); they stay as context. */
  skipPositions?: readonly number[];
  /** Masked copies per forward (default 32). */
  batchSize?: number;
}

export interface PseudoPerplexityResult {
  pseudoPerplexity: number;
  /** Sum of log p(token_i | rest) over scored positions, in nats. */
  pseudoLogLikelihood: number;
  tokensScored: number;
  /** log p of each scored position's token, in position order. */
  tokenLogProbs: number[];
}

export async function pseudoPerplexity(model: MaskedLM, tokens: readonly number[], options: PseudoPerplexityOptions): Promise<PseudoPerplexityResult> {
  const where = 'pseudoPerplexity';
  const vocab = model.config?.vocabSize;
  const isId = (t: unknown) => Number.isInteger(t) && (t as number) >= 0 && (vocab === undefined || (t as number) < vocab);
  if (!options || !isId(options.maskTokenId)) throw new ConfigError(`${where}: 'maskTokenId' must be a token id in [0, ${vocab ?? '∞'}); got ${String(options?.maskTokenId)}`);
  if (!Array.isArray(tokens) || tokens.length === 0) throw new ConfigError(`${where}: 'tokens' must be a non-empty array of token ids`);
  tokens.forEach((t, i) => {
    if (!isId(t)) throw new ConfigError(`${where}: 'tokens[${i}]' must be a token id in [0, ${vocab ?? '∞'}); got ${t}`);
  });
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`${where}: 'batchSize' must be a positive integer; got ${String(batchSize)}`);
  const skip = new Set(options.skipPositions ?? []);
  const positions = tokens.map((_, i) => i).filter((i) => !skip.has(i));
  if (positions.length === 0) throw new ConfigError(`${where}: every position is in 'skipPositions'; nothing to score`);
  const was = model.training;
  model.train?.(false);
  const logProbs: number[] = [];
  try {
    for (let s = 0; s < positions.length; s += batchSize) {
      const chunk = positions.slice(s, s + batchSize);
      const rows = chunk.map((p) => tokens.map((t, i) => (i === p ? options.maskTokenId : t)));
      const picked = tf.tidy(() => {
        const { logits } = model.forward({ inputIds: tf.tensor2d(rows, undefined, 'int32'), attentionMask: tf.ones([rows.length, tokens.length], 'int32') });
        const v = logits.shape[2] as number;
        const lp = logSoftmax(logits); // [n, T, V]
        // Row r's masked position is chunk[r]; its true token is tokens[chunk[r]].
        const flat = tf.reshape(lp, [rows.length * tokens.length * v]);
        const idx = tf.tensor1d(chunk.map((p, r) => (r * tokens.length + p) * v + tokens[p]!), 'int32');
        return tf.gather(flat, idx);
      });
      logProbs.push(...((await picked.data()) as Float32Array));
      picked.dispose();
    }
  } finally {
    if (was !== undefined) model.train?.(was);
  }
  const pll = logProbs.reduce((a, b) => a + b, 0);
  return { pseudoPerplexity: Math.exp(-pll / logProbs.length), pseudoLogLikelihood: pll, tokensScored: logProbs.length, tokenLogProbs: logProbs };
}
