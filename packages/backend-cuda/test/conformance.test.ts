// The shared conformance suite on 'cuda' — the CPU test double running the .cu kernels and the
// cuBLAS double — once with the backend's fused kernels and once with core's composite defaults
// ('cuda-unfused'), so both paths a user can end up on are held to the PyTorch fixtures with the
// suite's own tolerances. The fixtures, which pin the numbers, run in full; the fast-check
// properties run 10 times each instead of 25 (as on webgpu's SwiftShader): the double runs a
// block's threads as ucontext fibers and every __syncthreads or warp shuffle is a round of fiber
// switches (each a signal-mask syscall in glibc's swapcontext), so the flash-attention kernels,
// one warp shuffle reduction per key, are the slow part — the 64-key attention fixture alone takes
// ~25 s of CPU on the fused path (see the README's durations).
import { currentBackend } from '@llmkit/core';
import { runConformance, type ConformanceOptions } from '@llmkit/testkit';
import { testCudaBackend } from './kernel-harness.js';

const options: ConformanceOptions = {
  setup() {
    const d = currentBackend().describe();
    console.log(`conformance on ${d.name}: ${d.device}; fused kernels: ${d.fusedKernels.join(', ') || '(none: core defaults)'}`);
  },
  numRuns: 10,
};

runConformance(testCudaBackend({ name: 'cuda' }), options);
runConformance(testCudaBackend({ name: 'cuda-unfused', fused: false }), options);
