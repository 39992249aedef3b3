// A tiny language model for the Module tests: an embedding, two MLP blocks in a ModuleList
// (each with a persistent and a non-persistent buffer), a gain and an lm_head tied to the embedding.
import * as tf from '@tensorflow/tfjs-core';
import { Module, ModuleList } from '../src/module/index.js';
import { normal } from '../src/random/initializers.js';
import { Rng } from '../src/random/rng.js';

export const VOCAB = 5;
export const WIDTH = 4;
export const HIDDEN = 8;

export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  constructor(nIn: number, nOut: number, rng: Rng) {
    super();
    this.weight = this.registerParameter('weight', normal([nIn, nOut], { std: 0.5, rng }));
    this.bias = this.registerParameter('bias', normal([nOut], { std: 0.5, rng }));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.add(tf.matMul(x, this.weight), this.bias);
  }
}

export class Embedding extends Module {
  readonly weight: tf.Variable;
  constructor(vocab: number, width: number, rng: Rng) {
    super();
    this.weight = this.registerParameter('weight', normal([vocab, width], { rng }));
  }
  forward(ids: tf.Tensor): tf.Tensor {
    return tf.gather(this.weight, ids);
  }
}

export class Block extends Module {
  readonly fc: Linear;
  readonly proj: Linear;
  readonly scale: tf.Variable;
  constructor(rng: Rng) {
    super();
    this.fc = this.registerModule('fc', new Linear(WIDTH, HIDDEN, rng));
    this.proj = this.registerModule('proj', new Linear(HIDDEN, WIDTH, rng));
    // Registered after the children, yet listed before them (own entries come first).
    this.scale = this.registerBuffer('scale', normal([WIDTH], { rng }));
    this.registerBuffer('mask', tf.ones([2, 2]), { persistent: false });
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.add(x, tf.mul(this.proj.forward(tf.relu(this.fc.forward(x))), this.scale));
  }
}

export class TiedHead extends Module {
  readonly weight: tf.Variable;
  constructor(embedding: tf.Variable) {
    super();
    this.weight = this.registerParameter('weight', embedding);
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.matMul(x, this.weight, false, true);
  }
}

export class TinyLM extends Module {
  readonly wte: Embedding;
  readonly h: ModuleList<Block>;
  readonly gain: tf.Variable;
  readonly lmHead: TiedHead;
  constructor(seed: number) {
    super();
    const rng = new Rng(seed);
    this.wte = this.registerModule('wte', new Embedding(VOCAB, WIDTH, rng));
    this.h = this.registerModule('h', new ModuleList([new Block(rng), new Block(rng)]));
    this.gain = this.registerParameter('gain', normal([WIDTH], { rng }));
    this.lmHead = this.registerModule('lm_head', new TiedHead(this.wte.weight));
  }
  forward(ids: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let x = this.wte.forward(ids);
      for (const block of this.h) x = block.forward(x);
      return this.lmHead.forward(tf.mul(x, this.gain));
    });
  }
}

/** Logits of `model` for a fixed batch of ids, read back as numbers. */
export function logits(model: TinyLM): number[] {
  const ids = tf.tensor2d([[0, 1, 2], [4, 3, 0]], [2, 3], 'int32');
  const out = model.forward(ids);
  const values = Array.from(out.dataSync());
  tf.dispose([ids, out]);
  return values;
}

/** Every value of a module's state dict, read back, by key. */
export function values(module: Module): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [key, t] of module.stateDict()) out[key] = Array.from(t.dataSync());
  return out;
}

/** A state dict of fresh tensors (copies the caller owns) with the values of `module`'s. */
export function copyOf(module: Module): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [key, t] of module.stateDict()) out.set(key, tf.tensor(t.dataSync(), t.shape, t.dtype));
  return out;
}
