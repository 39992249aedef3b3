// GPT's invariants, as properties over random inputs (fast-check), and its checkpoint round trip,
// training-step memory and config errors, on the cpu backend.
import '@llmkit/backend-cpu';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseSafetensorsHeader, softmaxCrossEntropy, tf, useBackend } from '@llmkit/core';
import { readFileSync } from 'node:fs';
import { GPT, type GPTConfig } from '../src/index.js';
import { MODELS_DIR, maxAbsError } from './reference.js';

const CONFIG: GPTConfig = { vocabSize: 50, nPositions: 24, nEmbd: 24, nLayer: 2, nHead: 3, seed: 1 };
const NUM_RUNS = 12;

let gpt: GPT;
beforeAll(async () => {
  await useBackend('cpu');
  gpt = new GPT(CONFIG).eval();
});
afterAll(() => gpt?.dispose());

const ids = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');
const logitsOf = (model: GPT, rows: number[][], mask?: number[][]) =>
  tf.tidy(() => model.forward({ inputIds: ids(rows), attentionMask: mask ? ids(mask) : undefined }).logits.arraySync() as number[][][]);
const token = fc.integer({ min: 0, max: CONFIG.vocabSize! - 1 });

describe('GPT properties', () => {
  it('causal: logits at position t do not depend on tokens after t', () => {
    fc.assert(
      fc.property(fc.array(token, { minLength: 2, maxLength: 12 }), fc.nat(), fc.array(token, { minLength: 12, maxLength: 12 }), (seq, cut, other) => {
        const t = cut % (seq.length - 1);
        const changed = seq.map((x, i) => (i > t ? (other[i] as number) : x));
        const a = logitsOf(gpt, [seq])[0]!.slice(0, t + 1).flat();
        const b = logitsOf(gpt, [changed])[0]!.slice(0, t + 1).flat();
        expect(maxAbsError(a, b)).toBeLessThanOrEqual(1e-6);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('padding: appended pad tokens (mask 0) leave the real positions unchanged', () => {
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 10 }), fc.array(token, { minLength: 1, maxLength: 6 }), (seq, pads) => {
        const alone = logitsOf(gpt, [seq])[0]!.flat();
        const padded = logitsOf(gpt, [[...seq, ...pads]], [[...seq.map(() => 1), ...pads.map(() => 0)]])[0]!.slice(0, seq.length).flat();
        expect(maxAbsError(padded, alone)).toBeLessThanOrEqual(1e-6);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('KV-cached decoding gives the logits of a full recomputation', () => {
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 8 }), fc.array(token, { minLength: 1, maxLength: 8 }), (prompt, rest) => {
        // Two rows of equal length; the prompt is fed at once, the rest one token per step.
        const rows = [[...prompt, ...rest], [...rest, ...prompt]];
        const full = logitsOf(gpt, rows);
        const cache = gpt.createCache();
        try {
          const decoded = tf.tidy(() => gpt.forward({ inputIds: ids(rows.map((r) => r.slice(0, prompt.length))), cache }).logits.arraySync() as number[][][]);
          for (let i = prompt.length; i < rows[0]!.length; i++) {
            const step = tf.tidy(() => gpt.forward({ inputIds: ids(rows.map((r) => [r[i]!])), cache }).logits.arraySync() as number[][][]);
            step.forEach((row, b) => decoded[b]!.push(row[0]!));
          }
          expect(cache.length).toBe(rows[0]!.length);
          expect(maxAbsError(decoded.flat(2), full.flat(2))).toBeLessThanOrEqual(2e-5);
        } finally {
          cache.dispose();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('KV cache with a padding mask over cached + new tokens matches the masked full pass', () => {
    const rows = [[5, 6, 7, 8, 9], [1, 2, 3, 0, 0]];
    const mask = [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]];
    const full = logitsOf(gpt, rows, mask);
    const cache = gpt.createCache();
    const a = tf.tidy(() => gpt.forward({ inputIds: ids(rows.map((r) => r.slice(0, 3))), attentionMask: ids(mask.map((m) => m.slice(0, 3))), cache }).logits.arraySync() as number[][][]);
    const b = tf.tidy(() => gpt.forward({ inputIds: ids(rows.map((r) => r.slice(3, 4))), attentionMask: ids(mask.map((m) => m.slice(0, 4))), cache }).logits.arraySync() as number[][][]);
    cache.dispose();
    expect(maxAbsError([a[0]!, b[0]!].flat(2), full[0]!.slice(0, 4).flat())).toBeLessThanOrEqual(2e-5);
    expect(maxAbsError(a[1]!.flat(), full[1]!.slice(0, 3).flat())).toBeLessThanOrEqual(2e-5);
  });
});

describe('GPT checkpoints', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'llmkit-gpt-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('save -> load round trip is bit-identical (weights, config, logits)', async () => {
    const model = new GPT({ ...CONFIG, seed: 7, tieWordEmbeddings: true }).eval();
    await model.save(dir);
    const loaded = (await GPT.load(dir)).eval();
    try {
      const a = model.stateDict();
      const b = loaded.stateDict();
      expect([...b.keys()]).toEqual([...a.keys()]);
      for (const [key, value] of a) {
        expect(Buffer.from((b.get(key)!.dataSync() as Float32Array).buffer).equals(Buffer.from((value.dataSync() as Float32Array).buffer)), key).toBe(true);
      }
      expect(b.get('lm_head.weight')).toBe(b.get('transformer.wte.weight'));
      const { seed: _seed, ...rest } = model.getConfig();
      const { seed: _seed2, ...restLoaded } = loaded.getConfig();
      expect(restLoaded).toEqual(rest);
      expect(logitsOf(loaded, [[1, 2, 3]])).toEqual(logitsOf(model, [[1, 2, 3]]));
    } finally {
      model.dispose();
      loaded.dispose();
    }
  });

  it('writes the tensor names transformers writes (tied lm_head stored once) and its config keys', async () => {
    const model = new GPT({ vocabSize: 97, nPositions: 16, nEmbd: 36, nLayer: 2, nHead: 3 });
    await model.save(dir);
    model.dispose();
    const names = (file: string) => parseSafetensorsHeader(readFileSync(file)).entries.map((e) => e.name).sort();
    const ours = names(join(dir, 'model.safetensors'));
    expect(ours).toEqual(names(`${MODELS_DIR}gpt2-tiny/model.safetensors`));
    expect(ours).not.toContain('lm_head.weight');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    const hf = JSON.parse(readFileSync(`${MODELS_DIR}gpt2-tiny/config.json`, 'utf8'));
    for (const key of ['model_type', 'vocab_size', 'n_positions', 'n_embd', 'n_layer', 'n_head', 'n_inner', 'layer_norm_epsilon', 'activation_function', 'tie_word_embeddings']) {
      expect(config[key], key).toEqual(hf[key]);
    }
  });

  it('an untied LM head is saved and loaded as lm_head.weight', async () => {
    const model = new GPT({ ...CONFIG, tieWordEmbeddings: false }).eval();
    await model.save(dir);
    const loaded = (await GPT.load(dir)).eval();
    expect(loaded.stateDict().get('lm_head.weight')).not.toBe(loaded.stateDict().get('transformer.wte.weight'));
    expect(logitsOf(loaded, [[4, 5]])).toEqual(logitsOf(model, [[4, 5]]));
    model.dispose();
    loaded.dispose();
  });
});

describe('GPT training', () => {
  it('a training step (forward, loss, gradients, update) leaves tf.memory().numTensors unchanged', () => {
    const model = new GPT({ ...CONFIG, residPdrop: 0.1, embdPdrop: 0.1, attnPdrop: 0.1 });
    const x = ids([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 0, 0]]);
    const mask = ids([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]]);
    const labels = ids([[2, 3, 4, 5, 6, -100], [8, 9, 10, -100, -100, -100]]);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(model.forward({ inputIds: x, attentionMask: mask }).logits, labels) as tf.Scalar);
      tf.tidy(() => {
        for (const v of model.parameters()) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 0.01)));
      });
      const loss = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      return loss;
    };
    const first = step();
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 3; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(last)).toBe(true);
    tf.dispose([x, mask, labels]);
    model.dispose();
  });

  it('dropout masks come from the seed: the same seed gives the same training-mode logits', () => {
    const run = () => {
      const m = new GPT({ ...CONFIG, seed: 3, residPdrop: 0.2, embdPdrop: 0.2, attnPdrop: 0.2 });
      const out = logitsOf(m, [[1, 2, 3, 4]]);
      const evalOut = logitsOf(m.eval(), [[1, 2, 3, 4]]);
      m.dispose();
      return { out, evalOut };
    };
    const a = run();
    const b = run();
    expect(a.out).toEqual(b.out);
    expect(maxAbsError(a.out.flat(2), a.evalOut.flat(2))).toBeGreaterThan(0);
  });
});

describe('GPT config validation', () => {
  const error = (config: unknown) => {
    try {
      new GPT(config as GPTConfig).dispose();
    } catch (e) {
      expect(ConfigError.isInstance(e)).toBe(true);
      return (e as Error).message;
    }
    throw new Error('expected a ConfigError');
  };
  it('names the key, the expected and the actual value', () => {
    expect(error({ nLayer: 0 })).toBe("GPTConfig: 'nLayer' must be an integer in [1, 1024]; got 0");
    expect(error({ ...CONFIG, nEmbd: 25 })).toBe("GPTConfig: 'nEmbd' must be divisible by nHead = 3; got 25");
    expect(error({ residPdrop: 1 })).toBe("GPTConfig: 'residPdrop' must be a number in [0, 1); got 1");
    expect(error({ activationFunction: 'swish' })).toContain("GPTConfig: 'activationFunction' must be one of \"gelu_new\"");
    expect(error({ nEmbed: 64 })).toContain("GPTConfig: unknown config key 'nEmbed'; expected one of 'vocabSize'");
    expect(error(null)).toBe('GPTConfig: the config must be a plain object; got null');
  });
  it('refuses HF configs it does not implement, naming the key', () => {
    expect(() => GPT.fromPretrained({ model_type: 'gpt2', add_cross_attention: true }, {})).toThrow(/'add_cross_attention' must be false/);
    expect(() => GPT.fromPretrained({ model_type: 'bert' }, {})).toThrow(/model_type "bert"; expected "gpt2"/);
  });
});
