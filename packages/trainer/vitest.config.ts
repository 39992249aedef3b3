import { existsSync } from 'node:fs';
import { defineProject } from 'vitest/config';

// The webgpu swap case runs Dawn on Chromium's SwiftShader where it is installed (see DEVELOPERS.md).
const swiftShader = '/usr/lib/chromium/vk_swiftshader_icd.json';
const vulkan = !process.env.VK_ICD_FILENAMES && existsSync(swiftShader) ? { VK_ICD_FILENAMES: swiftShader, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } : {};

export default defineProject({
  test: {
    name: 'trainer',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // One XNNPACK thread per test worker: 2 cores, several workers.
    env: { LLMKIT_WASM_THREADS: '1', ...vulkan },
  },
});
