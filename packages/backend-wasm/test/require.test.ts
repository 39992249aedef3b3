// CommonJS users reach llmkit through Node's require(esm) (on by default since Node 20.19), and
// whoever loads tfjs-core — the user, core or a backend — gets the one engine with all gradients.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

describe('plain Node, CommonJS', () => {
  it('require() of @llmkit/core and @llmkit/backend-wasm shares tfjs-core’s engine and trains', () => {
    const script = fileURLToPath(new URL('./fixtures/require-from-commonjs.cjs', import.meta.url));
    const out = execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).toMatchObject({
      sameEngine: true,
      backend: 'wasm',
      tfjsGradients: true,
      llmkitGradients: true,
      chainedOps: true,
    });
    expect(result.describe).toMatch(/^CPU \(WebAssembly/);
    // d/dx sum(layerNorm(x) * x): checked against PyTorch by the conformance suite; here it only
    // has to be finite and not all zero (i.e. the gradient really ran).
    expect(result.grad).toHaveLength(6);
    expect(result.grad.every((v: number) => Number.isFinite(v))).toBe(true);
    expect(result.grad.some((v: number) => v !== 0)).toBe(true);
  });
});
