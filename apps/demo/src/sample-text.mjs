// The demo's sample, drawn by @llmkit/eval's generation (KV cache, temperature / top-k / top-p,
// seeded). The demo's GPT has 65 positions and the sample is longer, so it is drawn in windows.
import { ConfigError, Rng } from '@llmkit/core';
import { TextStreamDecoder, streamTokens } from '@llmkit/eval';

/**
 * Streams `maxNewTokens` tokens of text after `prompt` as it is generated. Each window hands the
 * last `keep` tokens (default half the position table) to `streamTokens` as its prompt, which adds
 * tokens until the table is full; each window samples with its own seed, drawn from `seed`.
 * Ends early at an eos/stop id. `options` are @llmkit/eval's GenerateOptions (temperature, topK, topP…).
 *
 * @param {import('@llmkit/eval').CausalLM} model
 * @param {import('@llmkit/eval').TextCodec} tokenizer
 * @param {string} prompt
 * @param {import('@llmkit/eval').GenerateOptions & { maxNewTokens: number, seed: number, keep?: number }} options
 * @returns {AsyncGenerator<string>}
 */
export async function* sampleText(model, tokenizer, prompt, { maxNewTokens, seed, keep, ...options }) {
  const positions = model.config.nPositions;
  keep ??= Math.floor(positions / 2);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) throw new ConfigError(`sampleText: 'maxNewTokens' must be a positive integer; got ${maxNewTokens}`);
  if (!Number.isInteger(keep) || keep < 1 || keep >= positions) throw new ConfigError(`sampleText: 'keep' must be an integer in [1, ${positions - 1}] (nPositions ${positions}); got ${keep}`);
  const ids = Array.from(tokenizer.encodeIds(prompt));
  if (ids.length === 0) throw new ConfigError(`sampleText: the prompt ${JSON.stringify(prompt)} has no tokens`);
  // Integer seeds for the windows: the same `seed` gives the same windows, hence the same text.
  const seeds = new Rng(seed).fork('sample');
  const decoder = new TextStreamDecoder(tokenizer);
  let made = 0;
  while (made < maxNewTokens) {
    const context = ids.slice(-(made === 0 ? positions - 1 : keep));
    const room = Math.min(positions - context.length, maxNewTokens - made);
    let got = 0;
    for await (const token of streamTokens(model, context, { ...options, maxNewTokens: room, seed: seeds.nextUint32() })) {
      ids.push(token);
      got++;
      const chunk = decoder.push(token);
      if (chunk) yield chunk;
    }
    made += got;
    if (got < room) break; // an eos or stop id ended the row
  }
  const rest = decoder.flush();
  if (rest) yield rest;
}
