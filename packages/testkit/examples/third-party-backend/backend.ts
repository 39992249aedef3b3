// A minimal third-party llmkit backend: TensorFlow.js's cpu backend under a new name, with one
// fused kernel (GELU, tanh form, in one pass over the values) and core's composition for the rest.
import '@tensorflow/tfjs-backend-cpu'; // registers the tfjs backend 'cpu'
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { compositeDefault, registerBackend, type Backend, type KernelOverride } from '@llmkit/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

const geluDefault = compositeDefault('LlmkitGelu'); // core's composition, for the cases not fused

const gelu: KernelFunc = (args) => {
  const x = args.inputs.x as TensorInfo;
  if (args.attrs?.approximate !== 'tanh' || x.dtype !== 'float32') return geluDefault(args);
  const cpu = args.backend as MathBackendCPU;
  const values = cpu.readSync(x.dataId) as Float32Array;
  const out = new Float32Array(values.length);
  const c = Math.sqrt(2 / Math.PI);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v * v * v)));
  }
  return cpu.makeTensorInfo(x.shape, 'float32', out);
};

const kernels: KernelOverride[] = [{ kernelName: 'LlmkitGelu', kernelFunc: gelu }];

export const jsCpuBackend: Backend = {
  name: 'js-cpu',
  tfjsBackend: 'cpu',
  kernels,
  async init() {},
  describe() {
    return { name: 'js-cpu', tfjsBackend: 'cpu', device: 'CPU (pure JavaScript)', fusedKernels: kernels.map((k) => k.kernelName) };
  },
};

registerBackend(jsCpuBackend); // now `await useBackend('js-cpu')` works
