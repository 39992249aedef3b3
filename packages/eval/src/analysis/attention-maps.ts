// Attention maps of a GPT-2-layout model for one input: the softmax weights of every layer and head
// as plain arrays ([layer][head][query][key]), as HF's output_attentions gives them. The fused
// attention kernel does not return its weights, so they are recomputed here from each block's own
// ln_1 and c_attn parameters, layer by layer along the model's forward pass.
import { ConfigError, embedding, tf } from '@llmkit/core';

interface GPTBlockLike {
  ln_1: { forward(x: tf.Tensor): tf.Tensor };
  attn: { numHeads: number; headDim: number; namedParameters(): [string, tf.Variable][] };
  forward(x: tf.Tensor, mask: tf.Tensor | undefined, cache: undefined): tf.Tensor;
}

interface GPTLike {
  transformer: { wte: { weight: tf.Tensor }; wpe: { weight: tf.Tensor }; h: Iterable<GPTBlockLike> };
  config?: { nPositions?: number; vocabSize?: number };
  readonly training?: boolean;
  train?(mode?: boolean): unknown;
}

/**
 * `maps[layer][head][query][key]`: how much each query position attends to each key (rows sum to
 * 1; keys after the query are 0). For layers' GPT or any GPT-2-layout model (fused `c_attn`).
 */
export async function attentionMaps(model: GPTLike, inputIds: readonly number[]): Promise<number[][][][]> {
  const where = 'attentionMaps';
  const t = model?.transformer;
  if (!t?.wte?.weight || !t.wpe?.weight || !t.h) throw new ConfigError(`${where}: 'model' must be a GPT-2-layout model (transformer.wte, wpe, h); got ${typeof model}`);
  if (!Array.isArray(inputIds) || inputIds.length === 0) throw new ConfigError(`${where}: 'inputIds' must be a non-empty array of token ids`);
  const n = model.config?.nPositions;
  if (n !== undefined && inputIds.length > n) throw new ConfigError(`${where}: 'inputIds' has ${inputIds.length} tokens; the model's nPositions is ${n}`);
  const vocab = model.config?.vocabSize;
  inputIds.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || (vocab !== undefined && id >= vocab)) throw new ConfigError(`${where}: 'inputIds[${i}]' must be a token id in [0, ${vocab ?? '∞'}); got ${id}`);
  });
  const was = model.training;
  model.train?.(false);
  const T = inputIds.length;
  const perLayer: tf.Tensor[] = [];
  try {
    tf.tidy(() => {
      let x = tf.add(embedding(t.wte.weight, tf.tensor2d([inputIds as number[]], undefined, 'int32')), tf.expandDims(tf.slice(t.wpe.weight, [0, 0], [T, -1]), 0));
      const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
      for (const block of t.h) {
        const params = new Map(block.attn.namedParameters());
        const w = params.get('c_attn.weight');
        const bias = params.get('c_attn.bias');
        if (!w) throw new ConfigError(`${where}: a block has no fused 'attn.c_attn.weight' (GPT-2 layout)`);
        const { numHeads: H, headDim: D } = block.attn;
        const c = H * D;
        const a = tf.reshape(block.ln_1.forward(x), [T, c]);
        let qkv = tf.matMul(a, w);
        if (bias) qkv = tf.add(qkv, bias);
        const heads = (m: tf.Tensor) => tf.transpose(tf.reshape(m, [T, H, D]), [1, 0, 2]);
        const q = heads(tf.slice(qkv, [0, 0], [T, c]));
        const k = heads(tf.slice(qkv, [0, c], [T, c]));
        const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)), tf.mul(tf.sub(1, causal), -1e9));
        perLayer.push(tf.keep(tf.softmax(scores)));
        x = block.forward(x, undefined, undefined);
      }
    });
    const out: number[][][][] = [];
    for (const p of perLayer) out.push((await p.array()) as number[][][]);
    return out;
  } finally {
    tf.dispose(perLayer);
    if (was !== undefined) model.train?.(was);
  }
}
