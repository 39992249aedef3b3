// Affine maps in PyTorch's two layouts. `Linear` stores its weight [out, in] as torch.nn.Linear
// (BERT, BART, LLaMA); `Conv1D` stores it [in, out] as HF's GPT-2 Conv1D, so both load HF
// checkpoints without a transpose. Both work on [N, in] rows: inputs of any rank are flattened
// to one 2-D matmul, which is what every backend's matmul kernel is fastest at.
import { Module, normalInitializer, tf, zeros, type Initializer, type Rng } from '@llmkit/core';
import { positiveInt, validateConfig, boolean } from './config.js';

export interface LinearOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** Initializer of the weight (default N(0, 0.02²), GPT-2's and BERT's). Biases start at zero. */
  init?: Initializer;
  /** Generator the weight is drawn from. */
  rng: Rng;
}

/** Applies `x [..., in] -> [..., out]` as one matmul on the [N, in] rows. */
function affine(x: tf.Tensor, inFeatures: number, weight: tf.Tensor, transposeWeight: boolean, bias: tf.Tensor | undefined): tf.Tensor {
  return tf.tidy(() => {
    const lead = x.shape.slice(0, -1);
    const rows = x.rank === 2 ? x : tf.reshape(x, [-1, inFeatures]);
    let y = tf.matMul(rows, weight, false, transposeWeight);
    if (bias) y = tf.add(y, bias);
    const out = y.shape[1] as number;
    return x.rank === 2 ? y : tf.reshape(y, [...lead, out]);
  });
}

/** What `Linear` and `Conv1D` share: the parameters, their checks, forward and config. */
abstract class Affine extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;

  /** @param weightIsOutIn true for torch.nn.Linear's [out, in] layout, false for Conv1D's [in, out]. */
  protected constructor(
    where: string,
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions,
    private readonly weightIsOutIn: boolean,
  ) {
    super();
    validateConfig(where, { inFeatures, outFeatures, bias: options.bias ?? true }, {
      inFeatures: [positiveInt, undefined],
      outFeatures: [positiveInt, undefined],
      bias: [boolean, true],
    });
    const init = options.init ?? normalInitializer({ std: 0.02 });
    this.weight = this.registerParameter('weight', init(weightIsOutIn ? [outFeatures, inFeatures] : [inFeatures, outFeatures], options.rng));
    this.bias = options.bias === false ? undefined : this.registerParameter('bias', zeros([outFeatures]));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return affine(x, this.inFeatures, this.weight, this.weightIsOutIn, this.bias);
  }

  getConfig(): { inFeatures: number; outFeatures: number; bias: boolean } {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== undefined };
  }
}

/**
 * y = x Wᵀ + b with W [out, in], as torch.nn.Linear.
 *
 * ```ts
 * const fc = new Linear(768, 3072, { rng: new Rng(0) });
 * const h = fc.forward(x);   // [B, T, 768] -> [B, T, 3072]
 * ```
 */
export class Linear extends Affine {
  constructor(inFeatures: number, outFeatures: number, options: LinearOptions) {
    super('Linear', inFeatures, outFeatures, options, true);
  }
}

/**
 * y = x W + b with W [in, out]: HF's GPT-2 `Conv1D`, which despite its name is a linear layer
 * with the transposed layout.
 */
export class Conv1D extends Affine {
  constructor(inFeatures: number, outFeatures: number, options: LinearOptions) {
    super('Conv1D', inFeatures, outFeatures, options, false);
  }
}
