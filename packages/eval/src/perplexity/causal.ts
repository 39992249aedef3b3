// Perplexity of a causal LM over a token stream longer than its context, by HF's documented
// sliding window ("Perplexity of fixed-length models"): windows of maxLength tokens moving by
// stride, each scoring only the tokens the previous window did not, with up to maxLength - stride
// tokens of context. Each window's NLL is weighted by the tokens it scored. Bits per character and
// per byte divide the same total NLL by the text's length.
import { ConfigError, logSoftmax, tf } from '@llmkit/core';
import type { CausalLM } from '../generation/causal-lm.js';
import type { TextCodec } from '../generation/options.js';

export interface PerplexityOptions {
  /** Window length (default the model's nPositions). */
  maxLength?: number;
  /** Step between windows (default maxLength: disjoint windows). */
  stride?: number;
}

export interface PerplexityResult {
  /** exp(mean NLL per scored token). */
  perplexity: number;
  /** Mean negative log-likelihood per scored token, in nats. */
  nll: number;
  /** Sum of the NLL of every scored token, in nats. */
  totalNll: number;
  /** Tokens predicted (every token but the first: it has no context). */
  tokensScored: number;
  /** Windows run. */
  windows: number;
}

/** Perplexity of `tokens` under `model` with a sliding window. */
export async function perplexity(model: CausalLM, tokens: readonly number[], options: PerplexityOptions = {}): Promise<PerplexityResult> {
  const where = 'perplexity';
  if (!Array.isArray(tokens) || tokens.length < 2) throw new ConfigError(`${where}: 'tokens' must be an array of at least 2 token ids; got ${Array.isArray(tokens) ? tokens.length : typeof tokens}`);
  const vocab = model.config?.vocabSize;
  tokens.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0 || (vocab !== undefined && t >= vocab)) throw new ConfigError(`${where}: 'tokens[${i}]' must be a token id in [0, ${vocab ?? '∞'}); got ${t}`);
  });
  const maxLength = options.maxLength ?? model.config?.nPositions;
  if (maxLength === undefined || !Number.isInteger(maxLength) || maxLength < 2) throw new ConfigError(`${where}: 'maxLength' must be an integer >= 2 (default: the model's nPositions); got ${String(maxLength)}`);
  if (model.config?.nPositions !== undefined && maxLength > model.config.nPositions) {
    throw new ConfigError(`${where}: 'maxLength' ${maxLength} exceeds the model's nPositions ${model.config.nPositions}`);
  }
  const stride = options.stride ?? maxLength;
  if (!Number.isInteger(stride) || stride < 1 || stride > maxLength) throw new ConfigError(`${where}: 'stride' must be an integer in [1, maxLength = ${maxLength}]; got ${String(stride)}`);

  const was = model.training;
  model.train?.(false);
  let totalNll = 0;
  let scored = 0;
  let windows = 0;
  try {
    let prevEnd = 0;
    for (let begin = 0; begin < tokens.length; begin += stride) {
      const end = Math.min(begin + maxLength, tokens.length);
      const window = tokens.slice(begin, end);
      // Positions of this window whose targets are new: the last (end - prevEnd), minus the first
      // position of the window, which nothing predicts.
      const firstTarget = Math.max(1, window.length - (end - prevEnd));
      const targets = window.slice(firstTarget);
      const nll = tf.tidy(() => {
        const { logits } = model.forward({ inputIds: tf.tensor2d([window], undefined, 'int32') });
        const v = logits.shape[2] as number;
        const rows = tf.reshape(tf.slice(logits, [0, firstTarget - 1, 0], [1, targets.length, v]), [targets.length, v]);
        const lp = logSoftmax(rows);
        const picked = tf.mul(lp, tf.oneHot(tf.tensor1d(targets, 'int32'), v));
        return tf.neg(tf.sum(picked, 1));
      });
      const values = (await nll.data()) as Float32Array;
      nll.dispose();
      for (const x of values) totalNll += x;
      scored += targets.length;
      windows++;
      prevEnd = end;
      if (end === tokens.length) break;
    }
  } finally {
    if (was !== undefined) model.train?.(was);
  }
  const mean = totalNll / scored;
  return { perplexity: Math.exp(mean), nll: mean, totalNll, tokensScored: scored, windows };
}

export interface TextPerplexityResult extends PerplexityResult {
  /** Total NLL in bits / characters (code points) of the text. */
  bitsPerCharacter: number;
  /** Total NLL in bits / UTF-8 bytes of the text. */
  bitsPerByte: number;
}

/**
 * Perplexity of a text, with bits per character and per byte. The first token has no context and
 * is not scored; pass `prependIds` (e.g. the bos id) to score it too — they count as context only.
 */
export async function textPerplexity(model: CausalLM, tokenizer: TextCodec, text: string, options: PerplexityOptions & { prependIds?: readonly number[] } = {}): Promise<TextPerplexityResult> {
  if (typeof text !== 'string' || text.length === 0) throw new ConfigError(`textPerplexity: 'text' must be a non-empty string`);
  const prefix = [...(options.prependIds ?? [])];
  const ids = [...prefix, ...Array.from(tokenizer.encodeIds(text))];
  const r = await perplexity(model, ids, options);
  const bits = r.totalNll / Math.LN2;
  return { ...r, bitsPerCharacter: bits / Array.from(text).length, bitsPerByte: bits / new TextEncoder().encode(text).length };
}
