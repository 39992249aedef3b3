import '@llmkit/backend-webgpu';
import { useBackend, currentBackend } from '@llmkit/core';

await useBackend('webgpu'); // the only line that changes from 'wasm' or 'cpu'
console.log(currentBackend().describe().device);
// 'nvidia ampere … (WebGPU via navigator.gpu)', or in Node: '… (WebGPU via dawn (npm webgpu))'
