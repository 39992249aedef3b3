// One AdamW step in tfjs ops, checked against torch.optim.AdamW (fixtures/ops/adamw.json): the
// reference the trainer's optimizer is held to, and a check of the backend's elementwise arithmetic.
import { tf } from '@llmkit/core';
import { expectCloseAsync, type Tolerance } from './compare.js';
import { loadFixture, toTensor, type TensorSpec } from './fixtures.js';

export interface AdamWConfig {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

/**
 * torch.optim.AdamW's update (decoupled weight decay, bias correction), step `t` counted from 1.
 * Returns new tensors; the inputs are not modified.
 */
export function adamwStep(
  p: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  t: number,
  c: AdamWConfig,
): { p: tf.Tensor; m: tf.Tensor; v: tf.Tensor } {
  return tf.tidy(() => {
    const [b1, b2] = c.betas;
    const decayed = tf.mul(p, 1 - c.lr * c.weightDecay);
    const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
    const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
    const stepSize = c.lr / (1 - b1 ** t);
    const denom = tf.add(tf.div(tf.sqrt(v1), Math.sqrt(1 - b2 ** t)), c.eps);
    return { p: tf.sub(decayed, tf.mul(tf.div(m1, denom), stepSize)), m: m1, v: v1 };
  });
}

// Three chained steps of elementwise fp32 arithmetic; sqrt and division each add ~1 ulp.
const ADAMW_TOLERANCE: Tolerance = { rtol: 1e-5, atol: 1e-7 };

/**
 * The fixture's cases as runnable checks (three steps each, every intermediate state compared).
 * `run` reads asynchronously, so it works on every backend (webgpu in Node included).
 */
export function adamwReferenceCases(): { name: string; run(): Promise<void> }[] {
  const fixture = loadFixture('adamw');
  return fixture.cases.map((c) => ({
    name: `${c.name}: 3 steps, every p/m/v within rtol ${ADAMW_TOLERANCE.rtol}, atol ${ADAMW_TOLERANCE.atol}`,
    async run() {
      // The steps run in one tidy; the states to compare (p, m, v after each step) are kept and
      // read afterwards, in step order.
      const checks: { spec: TensorSpec; label: string }[] = [];
      const kept = tf.tidy(() => {
        const config = c.attrs as unknown as AdamWConfig;
        const states: tf.Tensor[] = [];
        let p = toTensor(c.inputs.p!);
        let m = tf.zerosLike(p);
        let v = tf.zerosLike(p);
        for (let t = 1; c.inputs[`g${t}`]; t++) {
          ({ p, m, v } = adamwStep(p, toTensor(c.inputs[`g${t}`]!), m, v, t, config));
          states.push(p, m, v);
          checks.push(
            { spec: c.outputs[`p_step${t}`]!, label: `adamw/${c.name} param after step ${t}` },
            { spec: c.outputs[`m_step${t}`]!, label: `adamw/${c.name} exp_avg after step ${t}` },
            { spec: c.outputs[`v_step${t}`]!, label: `adamw/${c.name} exp_avg_sq after step ${t}` },
          );
        }
        return states;
      });
      try {
        for (const [i, { spec, label }] of checks.entries()) await expectCloseAsync(kept[i]!, spec, ADAMW_TOLERANCE, label);
      } finally {
        tf.dispose(kept);
      }
    },
  }));
}
