// Train on the GPU when the cuda backend can start, otherwise on the CPU: the error says why not.
import '@llmkit/backend-cuda';
import '@llmkit/backend-cpu';
import { BackendError, tf, useBackend, type Backend } from '@llmkit/core';

let backend: Backend;
try {
  backend = await useBackend('cuda');
} catch (error) {
  if (!BackendError.isInstance(error)) throw error;
  console.log(`cuda unavailable: ${error.message}`);
  backend = await useBackend('cpu');
}
console.log(`using ${backend.name}: ${backend.describe().device}`);
console.log(`1 + 2 = ${(await tf.add(1, 2).data())[0]}`);
