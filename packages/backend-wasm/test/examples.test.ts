// The README's example (examples/use-wasm.ts, included verbatim by this README and core's) runs as
// written and prints the backend's description.
import { describe, expect, it, vi } from 'vitest';

describe('README examples', () => {
  it('use-wasm.ts activates wasm and prints its description', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import('../examples/use-wasm.js');
    const [[description]] = log.mock.calls as [[{ name: string; device: string; fusedKernels: string[] }]];
    log.mockRestore();
    expect(description.name).toBe('wasm');
    expect(description.device).toMatch(/^CPU \(WebAssembly SIMD/);
    expect(description.fusedKernels).toContain('LlmkitLayerNorm');
  });
});
