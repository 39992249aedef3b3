// Logits processors with HF transformers' semantics, each a small class over one row of scores
// (Float32Array [V], changed in place) and the row's tokens so far (prompt, padding included, as HF
// passes input_ids). Order as HF's _get_logits_processor: repetition penalty, no-repeat n-gram,
// then (sampling only) temperature, top-k, top-p, min-p.
import { ConfigError } from '@llmkit/core';

export interface LogitsProcessor {
  /** Changes `scores` in place; `tokens` are the row's ids so far. */
  process(scores: Float32Array, tokens: readonly number[]): void;
  getConfig(): Record<string, unknown>;
}

function check(ok: boolean, where: string, field: string, expected: string, got: unknown): void {
  if (!ok) throw new ConfigError(`${where}: '${field}' must be ${expected}; got ${String(got)}`);
}

/** CTRL's repetition penalty: a seen token's score is divided by `penalty` (multiplied when negative). */
export class RepetitionPenalty implements LogitsProcessor {
  constructor(readonly penalty: number) {
    check(Number.isFinite(penalty) && penalty > 0, 'RepetitionPenalty', 'penalty', 'a positive number', penalty);
  }
  process(scores: Float32Array, tokens: readonly number[]): void {
    for (const t of new Set(tokens)) {
      if (t < 0 || t >= scores.length) continue;
      const s = scores[t]!;
      scores[t] = s < 0 ? s * this.penalty : s / this.penalty;
    }
  }
  getConfig() {
    return { type: 'repetitionPenalty', penalty: this.penalty };
  }
}

/** Bans any token that would repeat an n-gram already in the row. */
export class NoRepeatNGram implements LogitsProcessor {
  constructor(readonly size: number) {
    check(Number.isInteger(size) && size > 0, 'NoRepeatNGram', 'size', 'a positive integer', size);
  }
  process(scores: Float32Array, tokens: readonly number[]): void {
    const n = this.size;
    const len = tokens.length;
    if (len < n) return;
    // The last n-1 tokens; every earlier window with that prefix bans its last token.
    const start = len + 1 - n;
    for (let w = 0; w + n <= len; w++) {
      let same = true;
      for (let j = 0; j < n - 1 && same; j++) same = tokens[w + j] === tokens[start + j];
      const banned = tokens[w + n - 1]!;
      if (same && banned >= 0 && banned < scores.length) scores[banned] = -Infinity;
    }
  }
  getConfig() {
    return { type: 'noRepeatNGram', size: this.size };
  }
}

export class Temperature implements LogitsProcessor {
  constructor(readonly temperature: number) {
    check(Number.isFinite(temperature) && temperature > 0, 'Temperature', 'temperature', 'a positive number (use greedy decoding for 0)', temperature);
  }
  process(scores: Float32Array): void {
    for (let i = 0; i < scores.length; i++) scores[i] = scores[i]! / this.temperature;
  }
  getConfig() {
    return { type: 'temperature', temperature: this.temperature };
  }
}

/** Keeps the k highest scores (and any tied with the k-th); the rest become -Infinity. */
export class TopK implements LogitsProcessor {
  constructor(readonly k: number, readonly minTokensToKeep = 1) {
    check(Number.isInteger(k) && k > 0, 'TopK', 'k', 'a positive integer', k);
  }
  process(scores: Float32Array): void {
    const k = Math.min(Math.max(this.k, this.minTokensToKeep), scores.length);
    const kth = Float32Array.from(scores).sort().reverse()[k - 1]!;
    for (let i = 0; i < scores.length; i++) if (scores[i]! < kth) scores[i] = -Infinity;
  }
  getConfig() {
    return { type: 'topK', k: this.k, minTokensToKeep: this.minTokensToKeep };
  }
}

/** softmax of a row in float64 (the filters compare probabilities). */
function softmax(scores: Float32Array): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  const p = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += p[i] = Math.exp(scores[i]! - max);
  for (let i = 0; i < p.length; i++) p[i]! /= sum;
  return p;
}

/** Nucleus sampling: keeps the smallest set of top tokens whose probability reaches p. */
export class TopP implements LogitsProcessor {
  constructor(readonly p: number, readonly minTokensToKeep = 1) {
    check(Number.isFinite(p) && p > 0 && p <= 1, 'TopP', 'p', 'in (0, 1]', p);
  }
  process(scores: Float32Array): void {
    const probs = softmax(scores);
    // Ascending, as HF: remove the low tail whose cumulative probability stays <= 1 - p.
    const order = Array.from(scores.keys()).sort((a, b) => scores[a]! - scores[b]! || a - b);
    let cum = 0;
    const keepFrom = order.length - this.minTokensToKeep;
    for (let r = 0; r < order.length; r++) {
      cum += probs[order[r]!]!;
      if (cum <= 1 - this.p && r < keepFrom) scores[order[r]!] = -Infinity;
    }
  }
  getConfig() {
    return { type: 'topP', p: this.p, minTokensToKeep: this.minTokensToKeep };
  }
}

/** Min-p: removes tokens less likely than `minP` times the most likely one. */
export class MinP implements LogitsProcessor {
  constructor(readonly minP: number, readonly minTokensToKeep = 1) {
    check(Number.isFinite(minP) && minP >= 0 && minP <= 1, 'MinP', 'minP', 'in [0, 1]', minP);
  }
  process(scores: Float32Array): void {
    const probs = softmax(scores);
    let top = 0;
    for (const p of probs) if (p > top) top = p;
    const keep = new Set(Array.from(probs.keys()).sort((a, b) => probs[b]! - probs[a]! || a - b).slice(0, this.minTokensToKeep));
    for (let i = 0; i < scores.length; i++) if (probs[i]! < this.minP * top && !keep.has(i)) scores[i] = -Infinity;
  }
  getConfig() {
    return { type: 'minP', minP: this.minP, minTokensToKeep: this.minTokensToKeep };
  }
}
