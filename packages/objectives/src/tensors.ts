// Moving prepared host arrays onto the device, and one forward pass from prepared inputs to a loss.
import { ConfigError, tf } from '@llmkit/core';
import type { HostTensor, LossResult, Model, ModelInputs, Objective, Prepared } from './objective.js';

/** A tensor from a {@link HostTensor}: int32 for `Int32Array` values, float32 for `Float32Array`. */
export function toTensor(host: HostTensor): tf.Tensor {
  return tf.tensor(host.values, [...host.shape], host.values instanceof Float32Array ? 'float32' : 'int32');
}

/** Every host tensor of a record as a tf.Tensor of the same name (the caller disposes them). */
export function toTensors(record: Readonly<Record<string, HostTensor>>): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [name, host] of Object.entries(record)) out[name] = toTensor(host);
  return out;
}

/** The largest value of an int label array (-1 when empty): logits need V > this. */
export function maxLabel(values: Int32Array): number {
  let max = -1;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/**
 * One forward pass and the objective's loss: uploads `prepared.inputs`, calls `model`, and frees
 * everything but the returned tensors. Call it inside `tf.variableGrads`/`optimizer.minimize` to train;
 * there the forward pass is tidied too, so `tf.keep` the `parts` you want to log.
 *
 * ```ts
 * const { value, grads } = tf.variableGrads(() => computeLoss((x) => gpt.forward(x), clm, prepared).loss);
 * ```
 */
export function computeLoss(model: Model, objective: Objective<never>, prepared: Prepared): LossResult {
  if (typeof model !== 'function') {
    throw new ConfigError(`computeLoss: 'model' must be a function (inputs) => outputs, e.g. (x) => gpt.forward(x); got ${typeof model}`);
  }
  return tf.tidy(() => {
    const inputs = toTensors(prepared.inputs) as ModelInputs;
    const outputs = model(inputs);
    return objective.loss(outputs, prepared) as unknown as tf.TensorContainer;
  }) as unknown as LossResult;
}
