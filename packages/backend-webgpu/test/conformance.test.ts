// The shared conformance suite on webgpu in Node (Dawn; SwiftShader where there is no GPU): once
// with the backend's fused WGSL kernels ('webgpu') and once with core's composite defaults written
// in tfjs ops ('webgpu-unfused'), so both paths a user can end up on are held to the PyTorch
// fixtures. Every read in the suite is asynchronous: Dawn cannot map buffers synchronously.
import { createWebGpuBackend } from '../src/index.js';
import { currentBackend } from '@llmkit/core';
import { runConformance, type ConformanceOptions } from '@llmkit/testkit';
import { describeWebGpu, gpuOnly } from './gpu-env.js';

const options: ConformanceOptions = {
  setup() {
    gpuOnly();
    const d = currentBackend().describe();
    console.log(`conformance on ${d.name}: ${d.device}; fused kernels: ${d.fusedKernels.join(', ') || '(none: core defaults)'}`);
  },
  // SwiftShader emulates the GPU on the CPU (most of the time goes to compiling shaders): 10
  // fast-check runs per property instead of cpu/wasm's 25 keep both variants near 75 s on 2 cores
  // (25 runs: ~110 s). The fixtures, which pin the numbers, run in full.
  numRuns: 10,
};

await describeWebGpu('webgpu (fused kernels)', () => runConformance('webgpu', options));
await describeWebGpu('webgpu-unfused (core composite defaults)', () =>
  runConformance(createWebGpuBackend({ name: 'webgpu-unfused', fused: false }), options),
);
