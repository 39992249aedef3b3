// Beam search as HF transformers' vectorized _beam_search (4.5x/5.x): per prompt, the top
// (1 + #eos, at least 2) x numBeams continuations of the running beams by summed log-probability;
// the best numBeams that did not stop keep running, those that stopped (eos, or the length limit)
// enter the finished set scored sum / generatedLength ** lengthPenalty; earlyStopping and HF's
// stopping heuristic decide when a prompt is done. The KV cache is reordered after every step.
import { ConfigError, tf } from '@llmkit/core';
import { ReorderableKVCache } from './beam-cache.js';
import { decoderLogits, inEvalMode, supportsPositionIds, type CausalLM } from './causal-lm.js';
import type { Prompts } from './generate.js';
import { checkLength, leftPad, promptRows, resolveOptions, type GenerateOptions } from './options.js';

export interface BeamSearchOptions extends Omit<GenerateOptions, 'doSample' | 'temperature' | 'topK' | 'topP' | 'minP' | 'seed' | 'stopStrings'> {
  /** Beams per prompt (default 4). */
  numBeams?: number;
  /** Exponent of the generated length dividing a finished beam's score (default 1; > 0 favours longer). */
  lengthPenalty?: number;
  /** true: stop a prompt once numBeams beams finished; false (default): HF's heuristic; 'never': canonical beam search. */
  earlyStopping?: boolean | 'never';
  /** Beams returned per prompt, best first (default 1, at most numBeams). */
  numReturnSequences?: number;
}

export interface Beam {
  /** New tokens (ending with the eos token when the beam stopped there). */
  tokens: number[];
  /** Sum of log-probabilities / generatedLength ** lengthPenalty (HF's sequences_scores). */
  score: number;
  text?: string;
}

const NEG = -1e9;
const f32 = Math.fround;

/** log_softmax of a row in float64, rounded to float32 as HF's computation is. */
function logSoftmax(row: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of row) if (v > max) max = v;
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  return row.map((v) => v - lse);
}

/** Indices of the k largest values, descending; ties keep the lower index first. */
function topK(values: Float64Array | number[], k: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  // Partial selection is not worth it here: numBeams x V is small for the models this runs on.
  idx.sort((a, b) => (values[b]! - values[a]!) || a - b);
  return idx.slice(0, k);
}

interface Hyp {
  tokens: number[];
  score: number;
  finished: boolean;
}

/** Beam search over one prompt or a batch; returns numReturnSequences beams per prompt. */
export async function beamSearch(model: CausalLM, prompts: Prompts, options: BeamSearchOptions = {}): Promise<Beam[][]> {
  const where = 'beamSearch';
  for (const k of ['doSample', 'temperature', 'topK', 'topP', 'minP', 'stopStrings'] as const) {
    if ((options as Record<string, unknown>)[k] !== undefined) throw new ConfigError(`${where}: '${k}' is not supported by beam search`);
  }
  const o = resolveOptions(where, model, options);
  const numBeams = options.numBeams ?? 4;
  if (!Number.isInteger(numBeams) || numBeams < 1) throw new ConfigError(`${where}: 'numBeams' must be a positive integer; got ${String(numBeams)}`);
  const lengthPenalty = options.lengthPenalty ?? 1;
  if (!Number.isFinite(lengthPenalty)) throw new ConfigError(`${where}: 'lengthPenalty' must be a finite number; got ${String(lengthPenalty)}`);
  const earlyStopping = options.earlyStopping ?? false;
  if (earlyStopping !== true && earlyStopping !== false && earlyStopping !== 'never') throw new ConfigError(`${where}: 'earlyStopping' must be true, false or 'never'; got ${String(earlyStopping)}`);
  const nReturn = options.numReturnSequences ?? 1;
  if (!Number.isInteger(nReturn) || nReturn < 1 || nReturn > numBeams) throw new ConfigError(`${where}: 'numReturnSequences' must be an integer in [1, numBeams = ${numBeams}]; got ${String(nReturn)}`);
  const rows = promptRows(where, prompts, o.tokenizer, model.config?.vocabSize);
  const { ids, mask, positions, padded } = leftPad(rows, o.padTokenId);
  if (padded && !supportsPositionIds(model)) throw new ConfigError(`${where}: prompts of different lengths need a model that takes position ids; pass prompts of equal length`);
  const promptLen = ids[0]!.length;
  checkLength(where, model, promptLen, o.maxNewTokens);
  const maxLength = promptLen + o.maxNewTokens;
  const B = rows.length;
  const K = numBeams;
  const keep = Math.max(2, 1 + o.stopIds.size) * K;

  const results = await inEvalMode(model, async () => {
    const cache = new ReorderableKVCache();
    // Per prompt: running beams (full rows, padding included, as HF's input_ids) and the finished set.
    const running: number[][][] = ids.map((r) => Array.from({ length: K }, () => [...r]));
    const runScores: number[][] = ids.map(() => Array.from({ length: K }, (_, j) => (j === 0 ? 0 : NEG)));
    const finished: Hyp[][] = ids.map(() => Array.from({ length: K }, () => ({ tokens: [], score: NEG, finished: false })));
    const unsatisfied = new Array<boolean>(B).fill(true);
    const maskRows = mask.flatMap((m) => Array.from({ length: K }, () => [...m]));
    const lastPos = positions.flatMap((p) => Array.from({ length: K }, () => p[p.length - 1]!));
    try {
      let logits = tf.tidy(() =>
        decoderLogits(
          model,
          tf.tensor2d(ids.flatMap((r) => Array.from({ length: K }, () => r)), undefined, 'int32'),
          tf.tensor2d(maskRows, undefined, 'int32'),
          cache,
          padded ? tf.tensor2d(positions.flatMap((p) => Array.from({ length: K }, () => p)), undefined, 'int32') : undefined,
        ),
      );
      for (let curLen = promptLen; ; ) {
        const [, t, v] = logits.shape as [number, number, number];
        const last = tf.tidy(() => tf.reshape(tf.slice(logits, [0, t - 1, 0], [B * K, 1, v]), [B * K, v]));
        logits.dispose();
        const data = (await last.data()) as Float32Array;
        last.dispose();
        const reorder: number[] = [];
        const nextTokens: number[] = [];
        let allHit = true;
        for (let b = 0; b < B; b++) {
          const acc = new Float64Array(K * v);
          for (let j = 0; j < K; j++) {
            const lp = logSoftmax(data.subarray((b * K + j) * v, (b * K + j + 1) * v));
            for (const p of o.processors) p.process(lp, running[b]![j]!);
            for (let w = 0; w < v; w++) acc[j * v + w] = f32(lp[w]! + runScores[b]![j]!);
          }
          const cand = topK(acc, keep).map((i) => {
            const beam = Math.floor(i / v);
            const token = i % v;
            const hit = o.stopIds.has(token) || curLen + 1 >= maxLength;
            return { beam, token, score: acc[i]!, hit, seq: [...running[b]![beam]!, token] };
          });
          if (!cand.every((c) => c.hit)) allHit = false;
          // The best numBeams continuations that did not stop keep running.
          const runOrder = topK(cand.map((c) => c.score + (c.hit ? NEG : 0)), K);
          // Those among the first numBeams candidates that stopped compete with the finished set.
          const allFinished = finished[b]!.every((h) => h.finished);
          const merged: Hyp[] = [...finished[b]!];
          cand.forEach((c, r) => {
            const didFinish = c.hit && r < K;
            let s = f32(c.score / (curLen + 1 - promptLen) ** lengthPenalty);
            if (allFinished && earlyStopping === true) s += NEG;
            if (!unsatisfied[b]) s += NEG;
            if (!didFinish) s += NEG;
            merged.push({ tokens: c.seq, score: s, finished: didFinish });
          });
          finished[b] = topK(merged.map((h) => h.score), K).map((i) => merged[i]!);
          running[b] = runOrder.map((r) => cand[r]!.seq);
          runScores[b] = runOrder.map((r) => cand[r]!.score + (cand[r]!.hit ? NEG : 0));
          for (const r of runOrder) {
            reorder.push(b * K + cand[r]!.beam);
            nextTokens.push(cand[r]!.token);
          }
        }
        curLen += 1;
        // HF's early-stop heuristic: can the best running beam still beat the worst finished one?
        for (let b = 0; b < B; b++) {
          const len = earlyStopping === 'never' && lengthPenalty > 0 ? maxLength - promptLen : curLen - promptLen;
          const best = runScores[b]![0]! / len ** lengthPenalty;
          const worst = Math.min(...finished[b]!.map((h) => h.score));
          unsatisfied[b] = unsatisfied[b]! && finished[b]!.some((h) => best > (h.finished ? worst : NEG));
        }
        const openBeam = !(finished.every((f) => f.every((h) => h.finished)) && earlyStopping === true);
        if (!(unsatisfied.some(Boolean) && openBeam && !allHit)) break;
        cache.reorder(reorder);
        const newMask = reorder.map((r) => [...maskRows[r]!, 1]);
        maskRows.splice(0, maskRows.length, ...newMask);
        const newPos = reorder.map((r) => lastPos[r]! + 1);
        lastPos.splice(0, lastPos.length, ...newPos);
        logits = tf.tidy(() =>
          decoderLogits(model, tf.tensor2d(nextTokens.map((x) => [x]), undefined, 'int32'), tf.tensor2d(maskRows, undefined, 'int32'), cache, padded ? tf.tensor2d(lastPos.map((p) => [p]), undefined, 'int32') : undefined),
        );
      }
    } finally {
      cache.dispose();
    }
    return finished;
  });
  return results.map((hyps) =>
    hyps.slice(0, nReturn).map((h) => {
      const tokens = h.tokens.slice(promptLen);
      const beam: Beam = { tokens, score: h.score };
      if (o.tokenizer) beam.text = o.tokenizer.decode(tokens);
      return beam;
    }),
  );
}
