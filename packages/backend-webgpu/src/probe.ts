// Is WebGPU usable here? Asks for an adapter without registering a backend, so a program (or a
// test) can choose a backend, or explain why it skipped webgpu, before calling useBackend.
import { getGpu, noAdapterError } from './gpu-provider.js';

/** The outcome of `probeWebGpu()`. */
export type WebGpuProbe = { available: true; adapter: string } | { available: false; reason: string };

/**
 * Whether a WebGPU adapter is available (in Node: the optional peer `webgpu` plus a Vulkan driver).
 *
 * ```ts
 * import { probeWebGpu } from '@llmkit/backend-webgpu';
 * const probe = await probeWebGpu();
 * await useBackend(probe.available ? 'webgpu' : 'wasm');
 * ```
 */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  try {
    const { gpu, source } = await getGpu();
    const adapter = (await gpu.requestAdapter()) as { info?: { vendor?: string; architecture?: string; description?: string } } | null;
    if (!adapter) return { available: false, reason: (await noAdapterError(source)).message };
    const info = adapter.info ?? {};
    return { available: true, adapter: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter' };
  } catch (error) {
    return { available: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
