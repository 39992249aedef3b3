// Bridges safetensors and tfjs tensors: float32 <-> F32 (or F16/BF16 on request), int32 <-> I32,
// bool <-> BOOL. Reading widens every float dtype to float32 and every integer dtype to int32.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { SafetensorsError } from '../errors.js';
import { parseSafetensors } from './parse.js';
import { serializeSafetensors, type SafetensorsTensorInput } from './serialize.js';

/** Options of `tensorsToSafetensors`. */
export interface TensorsToSafetensorsOptions {
  /** Dtype to store float32 tensors as. Default 'F32'; 'F16'/'BF16' round to nearest even. */
  floatDtype?: 'F32' | 'F16' | 'BF16';
}

/**
 * Serializes tfjs tensors (read with `await tensor.data()`, none disposed, none created) to a
 * safetensors buffer. Layout and name order as in `serializeSafetensors`.
 * @throws SafetensorsError for a dtype other than float32, int32 or bool.
 */
export async function tensorsToSafetensors(
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
  options: TensorsToSafetensorsOptions = {},
): Promise<Uint8Array> {
  const floatDtype = options.floatDtype ?? 'F32';
  if (!['F32', 'F16', 'BF16'].includes(floatDtype)) {
    throw new SafetensorsError(`tensorsToSafetensors: floatDtype must be 'F32', 'F16' or 'BF16'; got '${floatDtype}'`);
  }
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name] as Tensor;
    if (!(t instanceof tf.Tensor)) {
      throw new SafetensorsError(`tensorsToSafetensors: '${name}' must be a tf.Tensor; got ${typeof t}`);
    }
    if (t.isDisposed) throw new SafetensorsError(`tensorsToSafetensors: tensor '${name}' is disposed`);
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') {
      throw new SafetensorsError(
        `tensorsToSafetensors: tensor '${name}' has dtype ${t.dtype}; expected float32, int32 or bool`,
      );
    }
  }
  const values = await Promise.all(names.map((name) => (tensors[name] as Tensor).data()));
  const inputs = new Map<string, SafetensorsTensorInput>();
  names.forEach((name, i) => {
    const t = tensors[name] as Tensor;
    const data = values[i] as Float32Array | Int32Array | Uint8Array;
    const dtype = t.dtype === 'float32' ? floatDtype : t.dtype === 'int32' ? 'I32' : 'BOOL';
    inputs.set(name, { dtype, shape: t.shape, data });
  });
  return serializeSafetensors(inputs, metadata);
}

/**
 * Parses a safetensors buffer into tfjs tensors, keyed by name: float dtypes become float32,
 * integer dtypes int32 (an I64/U64/U32 value outside int32 throws), BOOL becomes bool.
 * The caller owns (and disposes) the returned tensors.
 */
export function safetensorsToTensors(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const parsed = parseSafetensors(bytes);
  const created: [string, Tensor][] = [];
  try {
    for (const [name, t] of parsed.tensors) {
      const tensor =
        t.data instanceof Float32Array
          ? tf.tensor(t.data, t.shape, 'float32')
          : t.data instanceof Int32Array
            ? tf.tensor(t.data, t.shape, 'int32')
            : t.dtype === 'BOOL'
              ? tf.tensor(t.data, t.shape, 'bool')
              : tf.tensor(Int32Array.from(t.data), t.shape, 'int32');
      created.push([name, tensor]);
    }
  } catch (error) {
    for (const [, tensor] of created) tensor.dispose();
    throw error;
  }
  // fromEntries defines own properties, so even a tensor named '__proto__' is kept as a key.
  return Object.fromEntries(created);
}
