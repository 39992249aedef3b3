// The README's examples (examples/*.mjs, included verbatim) run as written, each in its own Node
// process against the built package, as a user runs them: one process would register the
// package's source and its dist as two 'webgpu' backends.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeWebGpu } from './gpu-env.js';

const run = promisify(execFile);
const examples = fileURLToPath(new URL('../examples/', import.meta.url));

async function example(name: string): Promise<string> {
  const { stdout } = await run(process.execPath, [`${examples}${name}`], { env: process.env, timeout: 120_000 });
  return stdout.trim();
}

await describeWebGpu('README examples', () => {
  it('use-webgpu.mjs activates webgpu and prints the device, through Dawn in Node', async () => {
    expect(await example('use-webgpu.mjs')).toMatch(/\(WebGPU via dawn \(npm webgpu\)\)$/);
  });

  it('probe-or-wasm.mjs picks webgpu when an adapter exists', async () => {
    expect(await example('probe-or-wasm.mjs')).toBe('webgpu');
  });

  it('unfused.mjs builds the variant with no fused kernels', async () => {
    expect(await example('unfused.mjs')).toBe('[]');
  });
});
