// config.json and weights as untrusted input: the whole config is validated (types as transformers'
// strict config classes, sizes within LIMITS, ids inside the vocabulary) and checked against the
// safetensors header before anything is allocated; every failure is a typed llmkit error with a
// short message, and leaves tf.memory().numTensors as it was. Fuzzed with fast-check (fixed seed).
import '@llmkit/backend-cpu';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, LlmkitError, Module, StateDictError, safetensorsToTensors, tf, useBackend } from '@llmkit/core';
import { BERT, CheckpointError, EncoderDecoder, GPT, GPTModel, LIMITS, SequenceClassifier, TokenClassifier, type HFConfig } from '../src/index.js';
import { allocationFailed, variableMark } from '../src/models/pretrained.js';
import { MODELS_DIR } from './reference.js';

type Family = { name: string; dir: string; model: { load(dir: string): Promise<Module>; fromPretrained(config: HFConfig, tensors: Record<string, tf.Tensor>): Module } };
const FAMILIES: Family[] = [
  { name: 'gpt2-tiny', dir: `${MODELS_DIR}gpt2-tiny`, model: GPT },
  { name: 'bert-tiny', dir: `${MODELS_DIR}bert-tiny`, model: BERT },
];
const configOf = (f: Family) => JSON.parse(readFileSync(join(f.dir, 'config.json'), 'utf8')) as HFConfig;

/** A short, typed llmkit error: what every rejection must be. */
function expectLlmkitError(error: unknown, type: typeof LlmkitError = LlmkitError): asserts error is LlmkitError {
  expect(LlmkitError.isInstance(error), `not an llmkit error: ${String(error)}`).toBe(true);
  expect(type.isInstance(error), `${(error as Error).name}: ${(error as Error).message}`).toBe(true);
  expect((error as Error).message.length).toBeLessThan(400);
}

function rejects(run: () => unknown, type: typeof LlmkitError = LlmkitError): string {
  try {
    (run() as Module | undefined)?.dispose?.();
  } catch (e) {
    expectLlmkitError(e, type);
    return (e as Error).message;
  }
  throw new Error('expected an llmkit error');
}

async function rejectsAsync(run: () => Promise<unknown>, type: typeof LlmkitError = LlmkitError): Promise<string> {
  try {
    ((await run()) as Module).dispose();
  } catch (e) {
    expectLlmkitError(e, type);
    return (e as Error).message;
  }
  throw new Error('expected an llmkit error');
}

let work: string;
beforeAll(async () => {
  await useBackend('cpu');
  work = mkdtempSync(join(tmpdir(), 'llmkit-untrusted-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A folder with `config` as config.json (text as is) and the fixture's weights. */
function folder(f: Family, config: unknown, name = 'ckpt'): string {
  const dir = join(work, `${f.name}-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  copyFileSync(join(f.dir, 'model.safetensors'), join(dir, 'model.safetensors'));
  return dir;
}

describe('load(dir): paths and files', () => {
  it('a path that is not a non-empty string is a CheckpointError, not a TypeError', async () => {
    for (const dir of [null, undefined, 5, {}, ['a'], '']) {
      expect(await rejectsAsync(() => GPT.load(dir as never), CheckpointError)).toMatch(/^GPT\.load: the checkpoint folder must be a non-empty path string; got /);
    }
    expect(await rejectsAsync(() => BERT.load(null as never), CheckpointError)).toContain('BERT.load');
    expect(await rejectsAsync(() => EncoderDecoder.load(42 as never), CheckpointError)).toContain('EncoderDecoder.load');
    const gpt = new GPT({ vocabSize: 11, nPositions: 4, nEmbd: 4, nLayer: 1, nHead: 1 });
    expect(await rejectsAsync(() => gpt.save(undefined as never).then(() => gpt), CheckpointError)).toBe('GPT.save: the checkpoint folder must be a non-empty path string; got undefined');
    gpt.dispose();
  });

  it('config.json that is not a JSON object, or not UTF-8, names the file', async () => {
    const f = FAMILIES[0]!;
    expect(await rejectsAsync(() => GPT.load(folder(f, '[1, 2]')), CheckpointError)).toMatch(/config\.json must hold a JSON object; got an array of 2/);
    expect(await rejectsAsync(() => GPT.load(folder(f, 'null')), CheckpointError)).toMatch(/config\.json must hold a JSON object; got null/);
    expect(await rejectsAsync(() => GPT.load(folder(f, '{"model_type": ')), CheckpointError)).toMatch(/config\.json is not valid UTF-8 JSON/);
    const dir = folder(f, '{}');
    writeFileSync(join(dir, 'config.json'), Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]));
    expect(await rejectsAsync(() => GPT.load(dir), CheckpointError)).toMatch(/not valid UTF-8 JSON/);
  });
});

describe('sizes are bounded and checked against the weights before allocating', () => {
  it('n_layer 100000 fails in milliseconds with nothing allocated (bounded), and n_layer 1000 (in bounds) by the header', async () => {
    const f = FAMILIES[0]!;
    const before = tf.memory().numTensors;
    let start = performance.now();
    expect(await rejectsAsync(() => GPT.load(folder(f, { ...configOf(f), n_layer: 100000 })), ConfigError)).toBe(
      "GPT.fromPretrained: config.json: 'n_layer' must be an integer in [1, 1024]; got 100000",
    );
    expect(performance.now() - start).toBeLessThan(1000);
    start = performance.now();
    expect(await rejectsAsync(() => GPT.load(folder(f, { ...configOf(f), n_layer: 1000 })), CheckpointError)).toBe(
      "GPT.load: config.json 'n_layer' is 1000, but the weights hold 2 layers (^transformer.h.(d+).)",
    );
    expect(performance.now() - start).toBeLessThan(1000);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('sizes near 1e9 are ConfigErrors before tfjs allocates, from a config object or config.json; nothing stays allocated', async () => {
    const before = tf.memory().numTensors;
    expect(rejects(() => new GPT({ nEmbd: 999_999_999, nHead: 1 }), ConfigError)).toBe("GPTConfig: 'nEmbd' must be an integer in [1, 65536]; got 999999999");
    expect(rejects(() => new GPT({ vocabSize: 1e9 }), ConfigError)).toBe(`GPTConfig: 'vocabSize' must be an integer in [1, ${LIMITS.vocab}]; got 1000000000`);
    // Each within its bound, but one weight tensor beyond what tfjs can index.
    expect(rejects(() => new GPT({ vocabSize: LIMITS.vocab, nEmbd: 256, nHead: 1 }), ConfigError)).toBe(
      'GPTConfig: vocabSize × nEmbd = 4294967296 weights in one tensor; at most 2147483647 fit (tfjs indexes with int32)',
    );
    expect(rejects(() => new BERT({ hiddenSize: 65536, numAttentionHeads: 1, intermediateSize: 65536 }), ConfigError)).toMatch(/intermediateSize = 4294967296 weights/);
    expect(rejects(() => new EncoderDecoder({ vocabSize: 1e9 }), ConfigError)).toContain("'vocabSize' must be an integer in [1, 16777216]");
    const body = new GPTModel({ vocabSize: 11, nPositions: 4, nEmbd: 1024, nLayer: 1, nHead: 1 });
    expect(rejects(() => new SequenceClassifier(body, { numLabels: 1e9 }), ConfigError)).toContain("'numLabels' must be an integer in [1, 16777216]; got 1000000000");
    expect(rejects(() => new TokenClassifier(body, { numLabels: 2 ** 24 }), ConfigError)).toBe('TokenClassifier: hiddenSize × numLabels = 17179869184 weights in one tensor; at most 2147483647 fit (tfjs indexes with int32)');
    body.dispose();
    for (const f of FAMILIES) {
      const hf = configOf(f);
      const width = f.name.startsWith('gpt') ? 'n_embd' : 'hidden_size';
      expect(await rejectsAsync(() => f.model.load(folder(f, { ...hf, [width]: 999_999_999 })), ConfigError)).toContain(`'${width}' must be an integer in [1, 65536]`);
      // In bounds but not what the weights hold: the header says so before the model is built.
      expect(await rejectsAsync(() => f.model.load(folder(f, { ...hf, vocab_size: 1_000_000 })), CheckpointError)).toMatch(/is \[97, \d+\] in the weights; config\.json \(vocab_size 1000000/);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a build that fails part-way (tfjs cannot allocate) frees what it built, registered or not, and says so as a ConfigError', () => {
    const before = tf.memory().numTensors;
    const mark = variableMark();
    // What a constructor holds when an allocation fails: its registered modules, and a block built but not yet registered.
    const half = new GPT({ vocabSize: 11, nPositions: 4, nEmbd: 4, nLayer: 1, nHead: 1 });
    const orphan = new GPT({ vocabSize: 11, nPositions: 4, nEmbd: 4, nLayer: 1, nHead: 1 });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    expect(() => allocationFailed('GPTConfig', half, new RangeError('Array buffer allocation failed'), mark)).toThrow(
      'GPTConfig: could not allocate the weights (Array buffer allocation failed); choose smaller sizes',
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(orphan.lm_head.weight.isDisposed).toBe(true);
  });
});

describe('config.json fields are typed as transformers types them', () => {
  const gpt = configOf(FAMILIES[0]!);
  const bert = configOf(FAMILIES[1]!);
  let tensors: Record<string, Record<string, tf.Tensor>>;
  beforeAll(() => {
    tensors = Object.fromEntries(FAMILIES.map((f) => [f.name, safetensorsToTensors(readFileSync(join(f.dir, 'model.safetensors')))]));
  });
  afterAll(() => Object.values(tensors).forEach((t) => tf.dispose(Object.values(t))));

  it('BERT with is_decoder 1 or true is rejected (transformers: 1 is not a bool; true is a causal decoder, which this BERT is not)', () => {
    expect(rejects(() => BERT.fromPretrained({ ...bert, is_decoder: 1 }, tensors['bert-tiny']!), CheckpointError)).toBe("BERT.fromPretrained: config.json 'is_decoder' must be true or false; got 1");
    expect(rejects(() => BERT.fromPretrained({ ...bert, is_decoder: true }, tensors['bert-tiny']!), CheckpointError)).toContain("'is_decoder' must be false (BERT here is an encoder)");
    BERT.fromPretrained({ ...bert, is_decoder: false }, tensors['bert-tiny']!).dispose();
  });

  it('wrong types, nulls and out-of-vocabulary ids name the config.json field', () => {
    const g = tensors['gpt2-tiny']!;
    expect(rejects(() => GPT.fromPretrained({ ...gpt, n_layer: '2' }, g), ConfigError)).toBe(`GPT.fromPretrained: config.json: 'n_layer' must be an integer in [1, 1024]; got "2"`);
    expect(rejects(() => GPT.fromPretrained({ ...gpt, n_layer: null }, g), ConfigError)).toContain("'n_layer' must be an integer in [1, 1024]; got null");
    expect(rejects(() => GPT.fromPretrained({ ...gpt, tie_word_embeddings: 1 }, g), ConfigError)).toContain("'tie_word_embeddings' must be true or false; got 1");
    expect(rejects(() => GPT.fromPretrained({ ...gpt, use_cache: 'yes' }, g), CheckpointError)).toContain("'use_cache' must be true or false");
    expect(rejects(() => GPT.fromPretrained({ ...gpt, bos_token_id: 50256 }, g), ConfigError)).toBe(
      "GPT.fromPretrained: config.json: 'bos_token_id' must be a token id in [0, vocab_size = 97); got 50256",
    );
    expect(rejects(() => GPT.fromPretrained({ ...gpt, activation_function: 3 }, g), ConfigError)).toContain("'activation_function' must be one of");
    expect(rejects(() => BERT.fromPretrained({ ...bert, pad_token_id: 97 }, tensors['bert-tiny']!), ConfigError)).toContain("'pad_token_id' must be a token id in [0, vocab_size = 97); got 97");
    expect(rejects(() => GPT.fromPretrained({ ...gpt, model_type: 'x'.repeat(1e6) }, g), CheckpointError)).toMatch(/model_type "x{57}\.\.\."; expected "gpt2"/);
    // What transformers accepts loads: n_inner and the token ids may be null.
    GPT.fromPretrained({ ...gpt, n_inner: null, bos_token_id: null, eos_token_id: null }, g).dispose();
  });

  it('weights with thousands of stray tensors give a short StateDictError (the full list in its cause), nothing left allocated', () => {
    const g = tensors['gpt2-tiny']!;
    const stray = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`transformer.extra_${i}.weight`, g['transformer.ln_f.bias']!]));
    const before = tf.memory().numTensors;
    const message = rejects(() => GPT.fromPretrained(gpt, { ...g, ...stray }), StateDictError);
    expect(message).toMatch(/^GPT.loadStateDict: 2000 problems.*transformer\.extra_0\.weight.*\.\.\. \(\d+ more characters in error\.cause\)$/s);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fromPretrained(null) and non-tensor weights are CheckpointErrors, not TypeErrors', () => {
    expect(rejects(() => GPT.fromPretrained(null as never, {}), CheckpointError)).toBe("GPT.fromPretrained: 'config' must be config.json's object; got null");
    expect(rejects(() => BERT.fromPretrained(bert, null as never), CheckpointError)).toContain("'tensors' must be a record of tf.Tensors");
    expect(rejects(() => GPT.fromPretrained(gpt, { 'transformer.wte.weight': [1, 2] } as never), CheckpointError)).toContain("'tensors.transformer.wte.weight' must be a tf.Tensor; got an array of 2");
    expect(rejects(() => EncoderDecoder.fromPretrained('{}' as never, {}), CheckpointError)).toContain('EncoderDecoder.fromPretrained');
  });

  const [BIG, DEEP] = ['<1 MB string>', '<100000-deep array>'];
  const big = 'x'.repeat(1_000_000);
  const deepText = '['.repeat(100_000) + ']'.repeat(100_000);
  const deep = JSON.parse(deepText) as unknown; // JSON.parse is iterative; JSON.stringify would overflow
  const real = (v: unknown) => (v === BIG ? big : v === DEEP ? deep : v);
  /** config.json text for a mutation, written without JSON.stringify-ing the deep value. */
  const text = (config: HFConfig, m: Parameters<typeof mutate>[1]) =>
    JSON.stringify(mutate(config, m, (v) => (v === DEEP ? v : real(v))))?.replaceAll(JSON.stringify(DEEP), deepText) ?? 'undefined';

  /** Values an attacker or a careless tool puts in a config.json field. */
  const nasty = fc.oneof(
    fc.constantFrom<unknown>(null, true, false, 0, -1, 1, 2, 3, 1.5, -0.5, 1e-300, 1e9, 999_999_999, 1e308, 2 ** 31, 2 ** 53, '', '2', 'gelu', 'gpt2', 'bert', 'absolute', [], [1, 2], {}, { a: 1 }),
    fc.integer({ min: -5, max: 200_000 }),
    fc.double({ noNaN: true }),
    fc.string({ maxLength: 6 }),
    // Stand-ins, swapped in by `mutate` (fast-check would print them in full, or overflow doing so).
    fc.constantFrom(BIG, DEEP),
  );

  /** A mutation of a real config: fields set to nasty values or removed, or the whole thing replaced. */
  const mutation = (keys: string[]) =>
    fc.oneof(
      { weight: 8, arbitrary: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), nasty, fc.boolean()), { minLength: 1, maxLength: 4 }) },
      { weight: 1, arbitrary: nasty.map((whole) => ({ whole })) },
    );

  function mutate(config: HFConfig, m: [string, unknown, boolean][] | { whole: unknown }, value = real): unknown {
    if (!Array.isArray(m)) return value(m.whole);
    const out: HFConfig = { ...config };
    for (const [key, v, remove] of m) {
      if (remove) delete out[key];
      else out[key] = value(v);
    }
    return out;
  }

  for (const f of FAMILIES) {
    it(`fuzz ${f.name}/config.json: fromPretrained gives a model or a short llmkit error, within 2 s, leaving numTensors unchanged`, () => {
      const config = configOf(f);
      const weights = () => tensors[f.name]!;
      let loaded = 0;
      fc.assert(
        fc.property(mutation(Object.keys(config)), (m) => {
          const input = mutate(config, m as never);
          const before = tf.memory().numTensors;
          const start = performance.now();
          try {
            f.model.fromPretrained(input as HFConfig, weights()).dispose();
            loaded++;
          } catch (e) {
            expectLlmkitError(e);
          }
          expect(performance.now() - start).toBeLessThan(2000);
          expect(tf.memory().numTensors).toBe(before);
        }),
        { seed: 20261202, numRuns: 400 },
      );
      // Mutations of unknown keys and harmless values still load: the fuzz reaches both outcomes.
      expect(loaded).toBeGreaterThan(20);
    });

    it(`fuzz ${f.name} folders: load(dir) gives a model or a short llmkit error, within 2 s, leaving numTensors unchanged`, async () => {
      const config = configOf(f);
      await fc.assert(
        fc.asyncProperty(mutation(Object.keys(config)), async (m) => {
          const dir = folder(f, text(config, m as never), 'fuzz');
          const before = tf.memory().numTensors;
          const start = performance.now();
          try {
            (await f.model.load(dir)).dispose();
          } catch (e) {
            expectLlmkitError(e);
          }
          expect(performance.now() - start).toBeLessThan(2000);
          expect(tf.memory().numTensors).toBe(before);
        }),
        { seed: 7, numRuns: 60 },
      );
    });
  }
});
