// Causal language modelling (GPT): every position predicts the next token. The labels are shifted on
// the host, so the loss reads the logits [B, T, V] as they are: no slice, no one-hot, no B·T·V copy.
import type { Rng } from '@llmkit/core';
import { checkName, readLabels } from './checks.js';
import { labelLoss } from './label-loss.js';
import { IGNORE_INDEX, type LossResult, type Objective, type Prepared } from './objective.js';
import { readTokenBatch, tokenInputs, type TokenBatch } from './token-batch.js';

/** Options of {@link CausalLM}. */
export interface CausalLMOptions {
  /** Part name in {@link combine} (default `'clm'`). */
  name?: string;
  /** The model output holding the logits [B, T, V] (default `'logits'`). */
  logitsKey?: string;
}

/**
 * Next-token prediction: `labels[b, t] = inputIds[b, t + 1]`, and -100 (ignored) at the last
 * position and wherever the input or the target is padding, so a padded row gives the same loss
 * as the row alone, whichever side it is padded on. The loss is the mean cross-entropy over the
 * predicted positions (PyTorch's `F.cross_entropy(..., ignore_index=-100)` on HF's shifted labels).
 *
 * ```ts
 * const clm = new CausalLM();
 * const prepared = clm.prepare(tokenizer.encodeBatch(texts, { padding: true }));
 * const { loss } = computeLoss((x) => gpt.forward(x), clm, prepared);
 * ```
 */
export class CausalLM implements Objective<TokenBatch> {
  readonly name: string;
  readonly logitsKey: string;

  constructor(options: CausalLMOptions = {}) {
    this.name = checkName('CausalLM', options.name ?? 'clm');
    this.logitsKey = checkName('CausalLM', options.logitsKey ?? 'logits');
  }

  /** Inputs `{ inputIds, attentionMask, tokenTypeIds? }` and targets `{ labels }`, all int32 [B, T]. Uses no randomness. */
  prepare(batch: TokenBatch, _rng?: Rng): Prepared {
    const rows = readTokenBatch('CausalLM.prepare', batch);
    const { batchSize: b, length: t, attentionMask: mask } = rows;
    const inputIds = Int32Array.from(rows.inputIds);
    const labels = new Int32Array(b * t).fill(IGNORE_INDEX);
    for (let row = 0; row < b; row++) {
      for (let pos = 0; pos + 1 < t; pos++) {
        const i = row * t + pos;
        if (mask === undefined || (mask[i] !== 0 && mask[i + 1] !== 0)) labels[i] = inputIds[i + 1]!;
      }
    }
    return { inputs: tokenInputs(rows, inputIds), targets: { labels: { shape: [b, t], values: labels } } };
  }

  /** Mean next-token cross-entropy; `metrics.tokens` is the number of predicted positions. */
  loss(outputs: object, prepared: Prepared): LossResult {
    const labels = readLabels('CausalLM.loss', prepared, 'labels', 2);
    const { loss, count } = labelLoss('CausalLM.loss', outputs, this.logitsKey, labels);
    return { loss, metrics: { tokens: count } };
  }

  getConfig(): Required<CausalLMOptions> {
    return { name: this.name, logitsKey: this.logitsKey };
  }
}
