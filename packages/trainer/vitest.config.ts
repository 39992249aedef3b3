import { defineProject } from 'vitest/config';
import { swiftShaderEnv } from '../../scripts/swiftshader-env.mjs';

export default defineProject({
  test: {
    name: 'trainer',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // One XNNPACK thread per test worker: 2 cores, several workers. The webgpu swap case runs Dawn
    // on SwiftShader where there is no GPU driver.
    env: { LLMKIT_WASM_THREADS: '1', ...swiftShaderEnv() },
  },
});
