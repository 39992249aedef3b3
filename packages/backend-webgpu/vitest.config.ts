import { defineProject } from 'vitest/config';
import { swiftShaderEnv } from '../../scripts/swiftshader-env.mjs';

export default defineProject({
  test: {
    name: 'backend-webgpu',
    include: ['test/**/*.test.ts'],
    // Dawn on SwiftShader where there is no GPU driver.
    env: swiftShaderEnv(),
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
