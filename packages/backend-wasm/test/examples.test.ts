// The README examples of this package (examples/use-wasm.ts, included verbatim by this README and
// core's; examples/layer-norm-grad.ts, by the repository's README) run as written.
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

  it('layer-norm-grad.ts computes a gradient of the input shape', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import('../examples/layer-norm-grad.js');
    const calls = log.mock.calls;
    log.mockRestore();
    expect(calls).toEqual([[[16, 64, 128]]]);
  });
});
