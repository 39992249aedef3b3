// tfjs's engine clones every tensor a gradient saves for the backward pass (kernel Identity), and
// tfjs-wasm's Identity copies the data: 175 copies, ~60 MB, per tiny-GPT training step. Tensors
// are immutable (a Variable's assign swaps its data, never writes into it), so the clone can share
// the data with a reference count, as tfjs's cpu backend does. Strings stay with tfjs.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { wrapKernel } from './wrap-kernel.js';

interface RefCounted {
  incRef(dataId: object): void;
}

function sharedIdentity(original: KernelConfig): KernelConfig {
  const inner = original.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string') return inner(args);
    (args.backend as unknown as RefCounted).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { ...original, kernelFunc };
}

/** Replaces tfjs-wasm's copying Identity with the sharing one above (idempotent). */
export function installSharedIdentity(backendName = 'wasm'): void {
  wrapKernel('Identity', backendName, sharedIdentity);
}
