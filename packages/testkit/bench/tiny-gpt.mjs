// A tiny GPT built from core's ops alone (no layers package): token embedding + learned positions,
// pre-LN blocks (layerNorm, causal scaledDotProductAttention, gelu MLP), final layerNorm, logits
// tied to the token embedding, softmaxCrossEntropy. torch_bench.py builds the same model.
import { tf, embedding, gelu, layerNorm, scaledDotProductAttention, softmaxCrossEntropy } from '@llmkit/core';

/** nanoGPT's char-level Shakespeare shape, shared with torch_bench.py. */
export const TINY_GPT = { vocab: 65, block: 64, layers: 4, heads: 4, d: 128, batch: 16 };

/**
 * Matmul FLOPs of one forward+backward: the linears, the tied logits and attention's two batched
 * products, forward once and backward twice (input and weight gradients). Elementwise work is left out.
 */
export function tinyGptFlops(cfg = TINY_GPT) {
  const { vocab, block, layers, heads, d, batch } = cfg;
  const rows = batch * block;
  const linears = 2 * rows * layers * (d * 3 * d + d * d + d * 4 * d + 4 * d * d) + 2 * rows * d * vocab;
  const attention = layers * 4 * batch * heads * block * block * (d / heads);
  return 3 * (linears + attention);
}

/** Builds the model's variables (normal(0, 0.02) weights, zero biases, unit LN gains). */
export function tinyGpt(cfg = TINY_GPT) {
  const { vocab, block, layers, d } = cfg;
  let seed = 100;
  // tf.variable keeps its initial tensor alive as a second handle: dispose it.
  const variable = (init) => {
    const v = tf.variable(init);
    init.dispose();
    return v;
  };
  const w = (shape) => variable(tf.randomNormal(shape, 0, 0.02, 'float32', seed++));
  const z = (n) => variable(tf.zeros([n]));
  const o = (n) => variable(tf.ones([n]));
  const params = {
    wte: w([vocab, d]),
    wpe: w([block, d]),
    blocks: Array.from({ length: layers }, () => ({
      ln1g: o(d), ln1b: z(d),
      wqkv: w([d, 3 * d]), bqkv: z(3 * d),
      wo: w([d, d]), bo: z(d),
      ln2g: o(d), ln2b: z(d),
      w1: w([d, 4 * d]), b1: z(4 * d),
      w2: w([4 * d, d]), b2: z(d),
    })),
    lnfg: o(d), lnfb: z(d),
  };
  const variables = [params.wte, params.wpe, ...params.blocks.flatMap((b) => Object.values(b)), params.lnfg, params.lnfb];
  const positions = tf.range(0, block, 1, 'int32');
  return {
    variables,
    numParams: variables.reduce((n, v) => n + v.size, 0),
    /** Mean next-token loss of ids [B, T] against targets [B, T]. */
    loss(ids, targets) {
      const [b, t] = ids.shape;
      const { heads } = cfg;
      const hd = d / heads;
      const linear = (x2, wt, bias) => tf.add(tf.matMul(x2, wt), bias);
      // Rows of x as [B*T, d] throughout, so every linear is one 2-D matmul.
      let x = tf.reshape(tf.add(embedding(params.wte, ids), embedding(params.wpe, positions)), [b * t, d]);
      for (const p of params.blocks) {
        const qkv = linear(layerNorm(x, p.ln1g, p.ln1b), p.wqkv, p.bqkv);
        // As nanoGPT: split [B*T, 3d] into q, k, v, each [B, T, H, hd] -> [B, H, T, hd]. (One 5-D
        // transpose of [B, T, 3, H, hd] instead is ~100x slower on tfjs-wasm than these 4-D ones.)
        const [q, k, v] = tf.split(qkv, 3, 1).map((m) => tf.transpose(tf.reshape(m, [b, t, heads, hd]), [0, 2, 1, 3]));
        const y = scaledDotProductAttention(q, k, v, { causal: true });
        x = tf.add(x, linear(tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [b * t, d]), p.wo, p.bo));
        const h = gelu(linear(layerNorm(x, p.ln2g, p.ln2b), p.w1, p.b1), { approximate: 'tanh' });
        x = tf.add(x, linear(h, p.w2, p.b2));
      }
      const logits = tf.matMul(layerNorm(x, params.lnfg, params.lnfb), params.wte, false, true);
      return softmaxCrossEntropy(logits, tf.reshape(targets, [b * t]));
    },
    dispose() {
      tf.dispose([...variables, positions]);
    },
  };
}
