// AddN with more inputs than a shader may bind. tfjs-webgpu's AddN binds every input as a storage
// buffer in one shader; past the device's maxStorageBuffersPerShaderStage (8 by default, minus the
// output) the pipeline is invalid, the dispatch is dropped and the output holds whatever its pooled
// buffer held before: the trainer's global gradient norm came out 0 (the backend-swap test fails
// without this). This sums the inputs in groups the device can bind, then sums the partial sums.
import { tf } from '@llmkit/core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

const tfjsAddN = tf.getKernel('AddN', 'webgpu')?.kernelFunc;

export const addNKernel: KernelFunc = (args) => {
  if (!tfjsAddN) throw new Error('@llmkit/backend-webgpu: TensorFlow.js registered no AddN kernel for webgpu');
  const backend = args.backend as unknown as WebGPUBackend;
  const limits = (backend as unknown as { device: { limits: { maxStorageBuffersPerShaderStage: number } } }).device.limits;
  const maxInputs = Math.max(2, limits.maxStorageBuffersPerShaderStage - 1);
  let inputs = args.inputs as unknown as TensorInfo[];
  const temporaries: TensorInfo[] = [];
  while (inputs.length > maxInputs) {
    const partial: TensorInfo[] = [];
    for (let i = 0; i < inputs.length; i += maxInputs) {
      const group = inputs.slice(i, i + maxInputs);
      const sum = group.length === 1 ? group[0]! : (tfjsAddN({ ...args, inputs: group as never }) as TensorInfo);
      if (group.length > 1) temporaries.push(sum);
      partial.push(sum);
    }
    inputs = partial;
  }
  const out = tfjsAddN({ ...args, inputs: inputs as never }) as TensorInfo;
  for (const t of temporaries) backend.disposeData(t.dataId);
  return out;
};
