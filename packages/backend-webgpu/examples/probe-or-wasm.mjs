import '@llmkit/backend-wasm';
import { probeWebGpu } from '@llmkit/backend-webgpu';
import { useBackend, currentBackend } from '@llmkit/core';

const probe = await probeWebGpu(); // { available: true, adapter } | { available: false, reason }
await useBackend(probe.available ? 'webgpu' : 'wasm');
console.log(currentBackend().name);
