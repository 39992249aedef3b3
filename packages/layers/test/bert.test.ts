// BERT's padding invariant, checkpoint round trip (ties stored once, as transformers does) and
// config errors, on the cpu backend.
import '@llmkit/backend-cpu';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseSafetensorsHeader, tf, useBackend } from '@llmkit/core';
import { BERT, type BERTConfig } from '../src/index.js';
import { MODELS_DIR, maxAbsError } from './reference.js';

const CONFIG: BERTConfig = { vocabSize: 40, hiddenSize: 30, numHiddenLayers: 2, numAttentionHeads: 3, intermediateSize: 50, maxPositionEmbeddings: 24, seed: 2 };

beforeAll(async () => {
  await useBackend('cpu');
});

const ids = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');

describe('BERT properties', () => {
  it('padding: pad tokens of any content and number (mask 0) leave the real positions unchanged', () => {
    const bert = new BERT(CONFIG).eval();
    const token = fc.integer({ min: 0, max: 39 });
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 10 }), fc.array(token, { minLength: 1, maxLength: 6 }), (seq, pads) => {
        const run = (row: number[], mask?: number[]) =>
          tf.tidy(() => {
            const types = row.map((_, i) => (i >= 2 ? 1 : 0));
            const out = bert.forward({ inputIds: ids([row]), attentionMask: mask ? ids([mask]) : undefined, tokenTypeIds: ids([types]) });
            return [...(out.logits.arraySync() as number[][][])[0]!.slice(0, seq.length).flat(), ...(out.seqRelationshipLogits.dataSync() as Float32Array)];
          });
        const alone = run(seq);
        const padded = run([...seq, ...pads], [...seq.map(() => 1), ...pads.map(() => 0)]);
        expect(maxAbsError(padded, alone)).toBeLessThanOrEqual(1e-5);
      }),
      { numRuns: 10 },
    );
    bert.dispose();
  });
});

describe('BERT checkpoints', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'llmkit-bert-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('save -> load round trip is bit-identical, and the ties survive', async () => {
    const model = new BERT(CONFIG).eval();
    await model.save(dir);
    const loaded = (await BERT.load(dir)).eval();
    const a = model.stateDict();
    const b = loaded.stateDict();
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [key, value] of a) {
      expect(Buffer.from((b.get(key)!.dataSync() as Float32Array).buffer).equals(Buffer.from((value.dataSync() as Float32Array).buffer)), key).toBe(true);
    }
    expect(b.get('cls.predictions.decoder.weight')).toBe(b.get('bert.embeddings.word_embeddings.weight'));
    expect(b.get('cls.predictions.decoder.bias')).toBe(b.get('cls.predictions.bias'));
    const x = { inputIds: ids([[2, 5, 6, 3, 7, 3]]) };
    const same = tf.tidy(() => maxAbsError(model.forward(x).logits.dataSync(), loaded.forward(x).logits.dataSync()));
    expect(same).toBe(0);
    model.dispose();
    loaded.dispose();
  });

  it('writes the tensor names transformers writes for BertForPreTraining', async () => {
    const model = new BERT({ vocabSize: 97, hiddenSize: 30, numHiddenLayers: 2, numAttentionHeads: 3, intermediateSize: 50, maxPositionEmbeddings: 16 });
    await model.save(dir);
    model.dispose();
    const names = (file: string) => parseSafetensorsHeader(readFileSync(file)).entries.map((e) => e.name).sort();
    expect(names(join(dir, 'model.safetensors'))).toEqual(names(`${MODELS_DIR}bert-tiny/model.safetensors`));
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    const hf = JSON.parse(readFileSync(`${MODELS_DIR}bert-tiny/config.json`, 'utf8'));
    for (const key of ['model_type', 'vocab_size', 'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'intermediate_size', 'hidden_act', 'layer_norm_eps', 'max_position_embeddings', 'type_vocab_size']) {
      expect(config[key], key).toEqual(hf[key]);
    }
  });

  it('maps the gamma/beta names of old TensorFlow-converted checkpoints', () => {
    const model = new BERT(CONFIG);
    const renamed = Object.fromEntries([...model.stateDict()].map(([k, v]) => [k.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'), v]));
    const loaded = BERT.fromPretrained(model.hfConfig(), renamed);
    expect(loaded.numParameters()).toBe(model.numParameters());
    model.dispose();
    loaded.dispose();
  });
});

describe('BERT config validation', () => {
  it('names the key, the expected and the actual value', () => {
    const message = (config: unknown) => {
      try {
        new BERT(config as BERTConfig).dispose();
      } catch (e) {
        expect(ConfigError.isInstance(e)).toBe(true);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(message({ ...CONFIG, hiddenSize: 32 })).toBe("BERTConfig: 'hiddenSize' must be divisible by numAttentionHeads = 3; got 32");
    expect(message({ hiddenAct: 'swish' })).toContain("BERTConfig: 'hiddenAct' must be one of \"gelu\"");
    expect(message({ layerNormEps: 0 })).toBe("BERTConfig: 'layerNormEps' must be a finite number > 0; got 0");
    expect(() => BERT.fromPretrained({ model_type: 'bert', position_embedding_type: 'relative_key' }, {})).toThrow(/'position_embedding_type' must be "absolute"/);
  });
});
