// Dawn (npm `webgpu`) runs on Vulkan. On a machine without a GPU, Chromium's SwiftShader (a
// software Vulkan driver: `apt-get install -y chromium libvulkan1`) is the device. The test configs
// and benchmarks that run webgpu in Node take their environment from here (see DEVELOPERS.md).
import { existsSync } from 'node:fs';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * VK_ICD_FILENAMES pointing at SwiftShader when it is installed, unless the environment already
 * chose a driver, and XDG_RUNTIME_DIR (whose absence only makes Dawn print a warning).
 */
export function swiftShaderEnv(env = process.env) {
  const out = { XDG_RUNTIME_DIR: env.XDG_RUNTIME_DIR ?? '/tmp' };
  const icd = env.VK_ICD_FILENAMES ?? (existsSync(SWIFTSHADER_ICD) ? SWIFTSHADER_ICD : undefined);
  if (icd !== undefined) out.VK_ICD_FILENAMES = icd;
  return out;
}
