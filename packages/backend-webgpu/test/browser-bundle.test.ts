// Browser users bundle the built package: it must not pull in Node built-ins (the Dawn and node:fs
// branches load through variable specifiers, which bundlers leave alone).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

it('dist/index.js bundles for the browser with no Node built-in and no shim', async () => {
  const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  const result = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', metafile: true });
  expect(result.errors).toEqual([]);
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.filter((f) => /^(node:|fs$|path$)/.test(f) || f.includes('node_modules/webgpu/'))).toEqual([]);
  expect(inputs.some((f) => f.includes('tfjs-backend-webgpu'))).toBe(true);
});
