// Choosing a backend: one import registers it, one line activates it.
import '@llmkit/backend-wasm'; // registers 'wasm' (the CPU default)
import { useBackend, currentBackend } from '@llmkit/core';

await useBackend('wasm'); // swap backends by changing this line
console.log(currentBackend().describe());
// { name: 'wasm', device: 'CPU (WebAssembly SIMD, 2 threads)', fusedKernels: [...], details: { threads: 2, ... } }
