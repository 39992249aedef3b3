// What generation and perplexity need from a decoder: next-token logits for a batch of ids with a
// KV cache, and per-row positions so that left-padded prompts see the positions they would see
// alone (HF's position_ids = cumsum(attention_mask) - 1). layers' ModelInputs has no position ids,
// so for GPT-2-layout models the forward is composed here from the model's own public parts.
import { ConfigError, embedding, tf } from '@llmkit/core';
import type { KVCache } from '@llmkit/layers';

/** A causal language model as layers' GPT is one (structural, so any such model fits). */
export interface CausalLM {
  forward(inputs: { inputIds: tf.Tensor; attentionMask?: tf.Tensor; cache?: KVCache }): { logits: tf.Tensor };
  createCache(): KVCache;
  /** `config.nPositions` bounds prompt + new tokens when present. */
  readonly config?: { nPositions?: number; eosTokenId?: number | null; padTokenId?: number | null; bosTokenId?: number | null; vocabSize?: number };
  readonly training?: boolean;
  train?(mode?: boolean): unknown;
}

/** The parts of a GPT-2-layout model (layers' GPT) used to run it with explicit positions. */
interface GPTParts {
  transformer: {
    wte: { weight: tf.Tensor };
    wpe: { weight: tf.Tensor };
    h: Iterable<{ forward(x: tf.Tensor, mask: tf.Tensor | undefined, cache: KVCache | undefined): tf.Tensor }>;
    ln_f: { forward(x: tf.Tensor): tf.Tensor };
  };
  lm_head: { weight: tf.Tensor };
}

function gptParts(model: CausalLM): GPTParts | undefined {
  const m = model as unknown as Partial<GPTParts>;
  const t = m.transformer;
  if (t && t.wte?.weight && t.wpe?.weight && t.h && t.ln_f && m.lm_head?.weight) return m as GPTParts;
  return undefined;
}

/** Whether `model` can take per-row position ids (left padding). */
export function supportsPositionIds(model: CausalLM): boolean {
  return gptParts(model) !== undefined;
}

/**
 * Logits [B, T, V] for `inputIds` [B, T] (int32), appending to `cache`. `attentionMask` covers the
 * cached tokens too ([B, cached + T]). `positionIds` [B, T] int32 is honoured for GPT-2-layout
 * models; for others it must be omitted (positions then continue after the cache).
 */
export function decoderLogits(model: CausalLM, inputIds: tf.Tensor, attentionMask: tf.Tensor | undefined, cache: KVCache | undefined, positionIds?: tf.Tensor): tf.Tensor {
  if (!positionIds) return model.forward({ inputIds, attentionMask, cache }).logits;
  const parts = gptParts(model);
  if (!parts) throw new ConfigError(`generate: left-padded prompts need a model that takes position ids (a GPT-2-layout model such as layers' GPT); pass prompts of equal length instead`);
  return tf.tidy(() => {
    const [b, t] = inputIds.shape as [number, number];
    const { wte, wpe, h, ln_f } = parts.transformer;
    let x = tf.add(embedding(wte.weight, inputIds), embedding(wpe.weight, positionIds));
    for (const block of h) x = block.forward(x, attentionMask, cache);
    const hidden = ln_f.forward(x);
    const c = hidden.shape[2] as number;
    const v = parts.lm_head.weight.shape[0] as number;
    return tf.reshape(tf.matMul(tf.reshape(hidden, [b * t, c]), parts.lm_head.weight, false, true), [b, t, v]);
  });
}

/** Runs `fn` with the model in evaluation mode (no dropout), restoring its mode afterwards. */
export async function inEvalMode<T>(model: CausalLM, fn: () => Promise<T>): Promise<T> {
  const was = model.training;
  if (model.train) model.train(false);
  try {
    return await fn();
  } finally {
    if (model.train && was !== undefined) model.train(was);
  }
}
