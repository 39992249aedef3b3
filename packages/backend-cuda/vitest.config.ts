import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'backend-cuda',
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
