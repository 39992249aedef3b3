// Core's LlmkitAdamW (one AdamW update over every parameter) as one call of csrc/adamw.c on
// tfjs's heap: the outputs are allocated, a table of their and the inputs' addresses is written
// into a scratch int32 tensor, and the C kernel walks it. Without the SIMD module (or for an
// empty list), core's default composition runs.
import { compositeDefault } from '@llmkit/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelOverride } from '@llmkit/core';
import type { WasmBackendLike } from '../memory.js';
import { simdOf } from './module.js';

/** int32 words per tensor in the table (csrc/adamw.c's ROW). */
const ROW = 9;

let fallback: KernelFunc | undefined;

const kernelFunc: KernelFunc = (args) => {
  const { inputs, attrs, backend } = args;
  const simd = simdOf(backend);
  const n = attrs!.count as number;
  const ins = inputs as unknown as Record<string, TensorInfo>;
  if (!simd || n === 0) return (fallback ??= compositeDefault('LlmkitAdamW'))(args);
  const b = backend as unknown as WasmBackendLike;
  const outs: TensorInfo[] = [];
  for (const prefix of ['p', 'm', 'v']) for (let i = 0; i < n; i++) outs.push(b.makeOutput([...ins[`${prefix}${i}`]!.shape], 'float32'));
  const table = b.makeOutput([n * ROW], 'int32');
  try {
    // Views only now: every allocation above may have grown the heap.
    const words = b.typedArrayFromHeap(table) as Int32Array;
    const floats = new Float32Array(words.buffer, words.byteOffset, words.length);
    const decays = attrs!.decayFactors as number[];
    const offset = (t: TensorInfo) => b.typedArrayFromHeap(t).byteOffset;
    for (let i = 0; i < n; i++) {
      const r = i * ROW, p = ins[`p${i}`]!;
      words[r] = offset(p);
      words[r + 1] = offset(ins[`g${i}`]!);
      words[r + 2] = offset(ins[`m${i}`]!);
      words[r + 3] = offset(ins[`v${i}`]!);
      words[r + 4] = offset(outs[i]!);
      words[r + 5] = offset(outs[n + i]!);
      words[r + 6] = offset(outs[2 * n + i]!);
      words[r + 7] = p.shape.reduce((a, d) => a * d, 1);
      floats[r + 8] = decays[i]!;
    }
    const { beta1, beta2, eps, stepSize, bias2Sqrt } = attrs as Record<string, number>;
    // 1 - beta in float64, rounded to float32 when passed (as tfjs rounds the default's scalars).
    simd.adamw(words.byteOffset, n, beta1!, 1 - beta1!, beta2!, 1 - beta2!, eps!, stepSize!, bias2Sqrt!);
  } finally {
    b.disposeData(table.dataId);
  }
  return outs;
};

/** The LlmkitAdamW override of the wasm backend. */
export const adamwOverride: KernelOverride = { kernelName: 'LlmkitAdamW', kernelFunc };
