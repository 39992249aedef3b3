// AdamW against torch.optim.AdamW (testkit/fixtures/ops/adamw.json: three steps from PyTorch 2.13,
// every p/m/v compared), its default no-decay groups on GPT and BERT names, custom groups, and an
// exact state round trip; SGD with momentum against torch.optim.SGD's formula computed by hand.
import '@llmkit/backend-cpu';
import '@llmkit/backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, useBackend } from '@llmkit/core';
import { BERT } from '@llmkit/layers';
import { expectClose, loadFixture, toTensor } from '@llmkit/testkit';
import { AdamW, SGD, isNoDecayParameter } from '../src/index.js';
import { tinyGPT } from './trainer-helpers.js';

// Three chained steps of fp32 elementwise arithmetic, as testkit's own AdamW reference check.
const TOL = { rtol: 1e-5, atol: 1e-7 };

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`AdamW vs torch.optim.AdamW on ${backend} (rtol ${TOL.rtol}, atol ${TOL.atol})`, () => {
    beforeAll(async () => {
      await useBackend(backend);
    });
    for (const c of loadFixture('adamw').cases) {
      it(`${c.name}: 3 steps, parameter and both moments after each`, () => {
        const attrs = c.attrs as { lr: number; betas: [number, number]; eps: number; weightDecay: number };
        const p = tf.variable(toTensor(c.inputs.p!));
        // groups: [] decays every parameter, as the fixture's single torch group does.
        const opt = new AdamW([['p', p]], { ...attrs, groups: [] });
        for (let t = 1; c.inputs[`g${t}`]; t++) {
          const g = toTensor(c.inputs[`g${t}`]!);
          opt.step({ p: g });
          g.dispose();
          const { tensors } = opt.getState();
          expectClose(p, c.outputs[`p_step${t}`]!, TOL, `p after step ${t}`);
          expectClose(tensors['p.exp_avg']!, c.outputs[`m_step${t}`]!, TOL, `exp_avg after step ${t}`);
          expectClose(tensors['p.exp_avg_sq']!, c.outputs[`v_step${t}`]!, TOL, `exp_avg_sq after step ${t}`);
          tf.dispose(Object.values(tensors));
        }
        opt.dispose();
        p.dispose();
      });
    }
  });
}

describe('AdamW parameter groups', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('default: no decay for biases, norms and embeddings of GPT (the tied LM head follows wte)', () => {
    const gpt = tinyGPT({ nLayer: 2 });
    const opt = new AdamW(gpt, { weightDecay: 0.1 });
    const decayed = opt.parameters.filter((_, i) => opt.decays[i] === 0.1).map(([n]) => n);
    expect(decayed).toEqual([
      'transformer.h.0.attn.c_attn.weight',
      'transformer.h.0.attn.c_proj.weight',
      'transformer.h.0.mlp.c_fc.weight',
      'transformer.h.0.mlp.c_proj.weight',
      'transformer.h.1.attn.c_attn.weight',
      'transformer.h.1.attn.c_proj.weight',
      'transformer.h.1.mlp.c_fc.weight',
      'transformer.h.1.mlp.c_proj.weight',
    ]);
    expect(opt.parameters.map(([n]) => n)).not.toContain('lm_head.weight');
    opt.dispose();
    gpt.dispose();
  });

  it('default: BERT decays only dense/attention matrices', () => {
    const bert = new BERT({ vocabSize: 40, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 16 });
    const noDecay = bert.namedParameters().filter(([n, v]) => isNoDecayParameter(n, v)).map(([n]) => n);
    for (const name of noDecay) expect(name).toMatch(/(\.bias|LayerNorm\.weight|embeddings\.weight)$/);
    const decay = bert.namedParameters().filter(([n, v]) => !isNoDecayParameter(n, v)).map(([n]) => n);
    expect(decay).toContain('bert.encoder.layer.0.attention.self.query.weight');
    expect(decay).toContain('cls.predictions.transform.dense.weight');
    expect(decay.some((n) => /LayerNorm|embeddings|bias$/.test(n))).toBe(false);
    bert.dispose();
  });

  it('custom groups: first match wins, the rest take weightDecay', () => {
    const gpt = tinyGPT();
    const opt = new AdamW(gpt, { weightDecay: 0.1, groups: [{ match: /wpe/, weightDecay: 0.5 }, { match: ['transformer.ln_f.weight'], weightDecay: 0 }] });
    const decay = Object.fromEntries(opt.parameters.map(([n], i) => [n, opt.decays[i]]));
    expect(decay['transformer.wpe.weight']).toBe(0.5);
    expect(decay['transformer.ln_f.weight']).toBe(0);
    expect(decay['transformer.wte.weight']).toBe(0.1);
    expect(decay['transformer.h.0.ln_1.bias']).toBe(0.1);
    opt.dispose();
    gpt.dispose();
  });

  it('getState/setState round-trips the moments and step count bit for bit', () => {
    const p = tf.variable(tf.tensor([1, -2, 3]));
    const q = tf.variable(tf.tensor([1, -2, 3]));
    const a = new AdamW([['p', p]], { lr: 0.1 });
    const b = new AdamW([['p', q]], { lr: 0.1 });
    const g = tf.tensor([0.5, 0.25, -1]);
    a.step({ p: g });
    a.step({ p: g });
    q.assign(p);
    const state = a.getState();
    b.setState(state);
    tf.dispose(Object.values(state.tensors));
    expect(b.stepCount).toBe(2);
    a.step({ p: g });
    b.step({ p: g });
    expect(Array.from(q.dataSync())).toEqual(Array.from(p.dataSync()));
    const bad = { tensors: { 'p.exp_avg': tf.zeros([2]) }, meta: { type: 'AdamW', step: 1, config: {} } };
    expect(() => b.setState(bad)).toThrow(/'p.exp_avg': expected shape \[3\], got \[2\]; missing 'p.exp_avg_sq'/);
    tf.dispose([g, p, q, bad.tensors['p.exp_avg']]);
    a.dispose();
    b.dispose();
  });

  it('a step leaves tf.memory().numTensors unchanged', () => {
    const p = tf.variable(tf.ones([4, 4]));
    const opt = new AdamW([['w', p]], { weightDecay: 0.1, groups: [] });
    const g = tf.fill([4, 4], 0.1);
    opt.step({ w: g });
    const before = tf.memory().numTensors;
    opt.step({ w: g });
    opt.step({ w: g });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([g, p]);
    opt.dispose();
  });
});

describe('SGD with momentum (torch.optim.SGD formula)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('momentum 0.9, dampening 0.1, weight decay 0.01, nesterov off and on: matches the formula in float64 to 1e-6', () => {
    for (const nesterov of [false, true]) {
      const dampening = nesterov ? 0 : 0.1;
      const p = tf.variable(tf.tensor([1, -0.5]));
      const opt = new SGD([['p', p]], { lr: 0.1, momentum: 0.9, dampening, weightDecay: 0.01, nesterov });
      const ref = [1, -0.5];
      let buf: number[] | undefined;
      for (const gs of [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.05]]) {
        const g = tf.tensor(gs);
        opt.step({ p: g });
        g.dispose();
        const d = gs.map((x, i) => x + 0.01 * ref[i]!);
        buf = buf ? buf.map((b, i) => 0.9 * b + (1 - dampening) * d[i]!) : d;
        const upd = nesterov ? d.map((x, i) => x + 0.9 * buf![i]!) : buf;
        for (let i = 0; i < 2; i++) ref[i]! -= 0.1 * upd[i]!;
        Array.from(p.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 6));
      }
      opt.dispose();
      p.dispose();
    }
  });
});

describe('optimizer state lifetime', () => {
  it('dispose() frees every tensor the optimizer created (AdamW, SGD with momentum)', async () => {
    await useBackend('cpu');
    const model = tinyGPT();
    const before = tf.memory().numTensors;
    const adamw = new AdamW(model);
    const sgd = new SGD(model, { lr: 0.1, momentum: 0.9 });
    expect(tf.memory().numTensors).toBe(before + 3 * model.namedParameters().length);
    adamw.dispose();
    sgd.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('parameter group validation', () => {
  it('a negative group weight decay is a ConfigError naming the optimizer and the parameter (AdamW and SGD)', () => {
    const model = tinyGPT();
    const groups = [{ match: /ln_f\.bias$/, weightDecay: -0.1 }];
    expect(() => new AdamW(model, { groups })).toThrow(/AdamW: 'weight decay of 'transformer\.ln_f\.bias''/);
    expect(() => new SGD(model, { lr: 0.1, groups })).toThrow(/SGD: 'weight decay of 'transformer\.ln_f\.bias''/);
    model.dispose();
  });
});
