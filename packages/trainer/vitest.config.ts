import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'trainer',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // One XNNPACK thread per test worker: 2 cores, several workers.
    env: { LLMKIT_WASM_THREADS: '1' },
  },
});
