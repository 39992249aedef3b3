import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'backend-cpu',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
