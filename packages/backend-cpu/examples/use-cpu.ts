// The reference backend: pure JavaScript, one thread; every other backend is compared against it.
import '@llmkit/backend-cpu';
import { useBackend, currentBackend } from '@llmkit/core';

await useBackend('cpu');
console.log(currentBackend().describe().device); // e.g. 'AMD EPYC ... (pure JavaScript, 1 thread)'
