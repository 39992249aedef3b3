import { existsSync } from 'node:fs';
import { defineProject } from 'vitest/config';

// Dawn runs on Vulkan. On a machine without a GPU, Chromium's SwiftShader (a software Vulkan
// driver: `apt-get install -y chromium libvulkan1`) is the device; point the Vulkan loader at it
// unless the environment already chose a driver. XDG_RUNTIME_DIR silences Dawn's warning when unset.
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const env: Record<string, string> = {};
if (existsSync(SWIFTSHADER_ICD)) {
  env.VK_ICD_FILENAMES = process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD;
  env.XDG_RUNTIME_DIR = process.env.XDG_RUNTIME_DIR ?? '/tmp';
}

export default defineProject({
  test: {
    name: 'backend-webgpu',
    include: ['test/**/*.test.ts'],
    env,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
